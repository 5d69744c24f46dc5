/**
 * The front end's checker and the server's keep one allow-list: the server's
 * file (jupyterlab_testbed/ssh_keywords.json) is read here and compared, and
 * both sides run the same cases (adversarial/server-sshoptions.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ServerConnection } from '@jupyterlab/services';
import { TerminalsModel } from '../../../src/lab/terminals/model';
import { SshServer } from '../../../src/lab/terminals/server';
import {
  checkOption,
  MANAGED,
  OPTIONS,
  REFUSED
} from '../../../src/core/terminals/sshconfig';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf-8'));

describe('the ssh keyword allow-list', () => {
  const server = read('jupyterlab_testbed/ssh_keywords.json');

  it('is the server’s, keyword for keyword and rule for rule', () => {
    expect(MANAGED).toEqual(server.managed);
    expect(OPTIONS).toEqual(server.options);
    expect(REFUSED).toEqual(server.refused);
  });

  const cases: { keyword: string; value: string; refusal: string | null }[] =
    read('adversarial/server-sshoptions.json').cases;

  it.each(cases)(
    '$keyword $value: as the server says',
    ({ keyword, value, refusal }) => {
      expect(checkOption(keyword, value)).toBe(
        refusal === null ? null : `${keyword} ${refusal}`
      );
    }
  );

  it('refuses the keywords the generator writes itself', () => {
    expect(checkOption('ProxyJump', 'node1')).toBe(
      "ProxyJump is set from the node's fields, not from options"
    );
    expect(checkOption('Host', 'x')).toBe(
      'Host is not allowed: it starts a new block'
    );
  });
});

describe('the probe request', () => {
  it('is a POST with the host in the body, not a GET with a query', async () => {
    const requests: Request[] = [];
    const fetch = async (request: RequestInfo | URL) => {
      requests.push(request as Request);
      return new Response(
        JSON.stringify({
          reachable: true,
          banner: 'SSH-2.0-x',
          error: null,
          hostKey: 'known'
        }),
        { status: 200 }
      );
    };
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:9300/',
      fetch: fetch as typeof globalThis.fetch
    });
    await new SshServer(settings).probe('129.114.25.134', 22);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    // makeRequest adds a cache-busting query: the host is not in it.
    expect(request.url.split('?')[0]).toBe(
      'http://localhost:9300/jupyterlab-testbed/ssh/probe'
    );
    expect(request.url).not.toContain('129.114');
    expect(request.method).toBe('POST');
    expect(JSON.parse(await request.text())).toEqual({
      host: '129.114.25.134',
      port: 22
    });
  });
});

describe('the terminals model', () => {
  /** A server that records each request as "METHOD path". */
  function recording(keysInAgent: string[] = []): {
    settings: ServerConnection.ISettings;
    calls: string[];
  } {
    const calls: string[] = [];
    const fetch = async (request: RequestInfo | URL) => {
      const { method, url } = request as Request;
      const path = new URL(url).pathname.replace('/jupyterlab-testbed/ssh', '');
      calls.push(`${method} ${path || '/'}`);
      const body =
        path === ''
          ? {
              configFile: '/home/cc/.ssh/jupyterlab-testbed/config',
              knownHostsFile: '/home/cc/.ssh/jupyterlab-testbed/known_hosts',
              controlDir: '/tmp/tb-ssh-0',
              agentSocket: null
            }
          : path === '/agent'
            ? {
                agentSocket: keysInAgent.length ? '/tmp/tb-ssh-0/agent' : null,
                running: keysInAgent.length > 0,
                keys: keysInAgent.map(key => ({
                  path: key,
                  exists: true,
                  fingerprint: 'SHA256:x',
                  loaded: true
                }))
              }
            : {
                reachable: true,
                banner: 'SSH-2.0-x',
                error: null,
                hostKey: 'known'
              };
      return new Response(JSON.stringify(body), { status: 200 });
    };
    return {
      calls,
      settings: ServerConnection.makeSettings({
        baseUrl: 'http://localhost:9300/',
        fetch: fetch as typeof globalThis.fetch
      })
    };
  }

  const NODE1 = {
    result: {
      ok: true as const,
      nodes: [
        {
          name: 'node1',
          host: '129.114.25.134',
          user: 'cc',
          identityFile: '~/.ssh/id_rsa_chameleon'
        }
      ]
    },
    problems: []
  };

  it('connects with one request when the last check found the key in the agent', async () => {
    const { settings, calls } = recording(['~/.ssh/id_rsa_chameleon']);
    const model = new TerminalsModel(new SshServer(settings));
    model.topology = NODE1;
    await model.check();
    calls.length = 0;
    const line = await model.connectLine('node1');
    expect(line).toContain('node1');
    expect(calls).toEqual(['PUT /config']);
  });

  it('drops a check’s answer when the nodes changed meanwhile', async () => {
    const { settings } = recording(['~/.ssh/id_rsa_chameleon']);
    const model = new TerminalsModel(new SshServer(settings));
    model.topology = NODE1;
    const checking = model.check();
    model.topology = { result: { ok: false, problems: [] }, problems: [] };
    await checking;
    expect(model.probe).toBeNull();
    expect(model.agent).toBeNull();
  });

  it('loads the key first when the last check did not find it', async () => {
    const { settings, calls } = recording();
    const model = new TerminalsModel(new SshServer(settings));
    model.topology = NODE1;
    await model.check();
    calls.length = 0;
    await model.connectLine('node1');
    expect(calls).toEqual(['PUT /config', 'POST /agent', 'PUT /config']);
  });

  it('writes the lab’s config before it asks about its hosts and keys', async () => {
    const { settings, calls } = recording();
    const model = new TerminalsModel(new SshServer(settings));
    model.topology = NODE1;
    await model.check();
    expect(calls.slice(0, 2)).toEqual(['GET /', 'PUT /config']);
    expect(calls.slice(2).sort()).toEqual(['GET /agent', 'POST /probe']);
    expect(model.probe?.result.reachable).toBe(true);
  });
});
