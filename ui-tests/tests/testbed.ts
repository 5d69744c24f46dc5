/**
 * The three-node SSH testbed (testbed/testbed.sh) as the UI tests use it:
 * whether this machine can run it, bringing it up and down, and a server
 * with no terminal or ssh connection left from an earlier test. Traffic
 * goes only into the testbed's namespaces: check-routes says so before a
 * test connects.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeTerminals, serverUrl } from './lab';

const TESTBED = path.resolve(__dirname, '../../testbed/testbed.sh');
const FLOATING_IP = '10.199.0.2';
const STATE =
  process.env.TESTBED_STATE_DIR ??
  path.join(process.env.TMPDIR ?? '/tmp', 'jupyterlab-testbed-ssh');
export const KEY = path.join(STATE, 'id_ed25519');

/** Why the SSH testbed cannot run here, or null when it can. */
export function whyNotHere(): string | null {
  if (process.getuid?.() !== 0) {
    return 'not running as root, and the testbed needs network namespaces';
  }
  const probe = `tb-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], {
    encoding: 'utf8',
    timeout: 10_000
  });
  // Without iproute2 yet, testbed.sh up installs it.
  if ((added.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return null;
  }
  if (added.status !== 0) {
    return `this machine cannot create network namespaces (ip netns add: ${(added.stderr || String(added.error)).trim()})`;
  }
  spawnSync('ip', ['netns', 'del', probe], { timeout: 10_000 });
  return null;
}

/** testbed.sh; up may apt-install openssh-server on a fresh machine. */
export function testbed(args: string[], timeout = 30_000): string {
  const result = spawnSync('bash', [TESTBED, ...args], {
    encoding: 'utf8',
    timeout
  });
  if (result.status !== 0) {
    throw new Error(
      `testbed.sh ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`
    );
  }
  return result.stdout;
}

/** Set once the first test after this worker's latest `up` has cleared known_hosts. */
let knownHostsCleared = false;

/**
 * Shut down the server's terminals and end its shared ssh connections, so
 * a test starts with every node closed. The first test after `up` also
 * forgets the host keys: an earlier `up` (a retry, a second run against a
 * reused server) made other ones.
 */
export async function resetServer(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  await removeTerminals(request, baseURL);
  const described = await request.get(
    serverUrl(baseURL, 'jupyterlab-testbed/ssh')
  );
  expect(described.ok()).toBe(true);
  const paths = (await described.json()) as {
    controlDir: string;
    knownHostsFile: string;
  };
  const sockets = fs.existsSync(paths.controlDir)
    ? fs.readdirSync(paths.controlDir).filter(name => name !== 'agent.sock')
    : [];
  for (const socket of sockets) {
    spawnSync(
      'ssh',
      ['-S', path.join(paths.controlDir, socket), '-O', 'exit', 'testbed'],
      { timeout: 10_000 }
    );
  }
  if (!knownHostsCleared) {
    fs.rmSync(paths.knownHostsFile, { force: true });
    knownHostsCleared = true;
  }
}

/**
 * For a spec whose tests connect to the testbed: skipped where it cannot
 * run; up before the first test, down after the last; node1 at the
 * testbed's address and the testbed's key in the student's settings.
 */
export function useSshTestbed(tests: string): void {
  const skip = whyNotHere();
  test.skip(skip !== null, `${tests} skipped: ${skip}.`);

  test.use({
    autoGoto: false,
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:placeholders': {
        checkBeforeRun: 'off',
        values: { floatingIp: FLOATING_IP }
      },
      'jupyterlab-testbed:terminals': { keyFile: KEY }
    }
  });

  test.beforeAll(() => {
    test.setTimeout(330_000);
    testbed(['up'], 300_000);
    testbed(['check-routes']);
    // Each up makes new host keys: the known_hosts of an earlier spec in
    // this worker names the old ones.
    knownHostsCleared = false;
  });

  test.afterAll(() => {
    test.setTimeout(60_000);
    testbed(['down']);
  });
}
