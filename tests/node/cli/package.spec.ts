/**
 * The command-line package as a user gets it: packed with `npm pack`,
 * installed from the tarball into an empty folder with no registry (it has
 * no dependencies, so nothing else is fetched), and run from its `bin`.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const { foreignRequires } = require('../../../scripts/build-cli') as {
  foreignRequires: (dir: string) => string[];
};
const { packageVersion } = require('../../../scripts/write-version') as {
  packageVersion: (root: string) => string;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-cli-package-'));
const BUILD = path.join(tmp, 'build');
const INSTALL = path.join(tmp, 'install');
/** No npm or JupyterLab settings of the developer running the tests are read. */
const ENV = {
  ...process.env,
  JUPYTER_CONFIG_DIR: path.join(tmp, 'jupyter-config'),
  npm_config_cache: path.join(tmp, 'npm-cache'),
  npm_config_userconfig: path.join(tmp, 'npmrc'),
  npm_config_update_notifier: 'false'
};

const rootPackage = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')
);

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: ENV, encoding: 'utf-8' });
}

function installed(
  command: string,
  args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    path.join(INSTALL, 'node_modules', '.bin', command),
    args,
    { cwd: tmp, env: ENV, encoding: 'utf-8', input: '' }
  );
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr
  };
}

beforeAll(() => {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'build-cli.js'), '--outdir', BUILD],
    { cwd: ROOT, stdio: 'pipe' }
  );
  const tarball = npm(['pack', '--silent', '--pack-destination', tmp], BUILD)
    .trim()
    .split('\n')
    .pop() as string;
  fs.mkdirSync(INSTALL);
  npm(
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      path.join(tmp, tarball)
    ],
    INSTALL
  );
}, 180000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the jupyterlab-testbed-cli package', () => {
  it('installs as one package with no dependencies, at the extension’s version', () => {
    const modules = fs
      .readdirSync(path.join(INSTALL, 'node_modules'))
      .filter(name => !name.startsWith('.'));
    expect(modules).toEqual(['jupyterlab-testbed-cli']);
    const pkg = JSON.parse(
      fs.readFileSync(
        path.join(
          INSTALL,
          'node_modules',
          'jupyterlab-testbed-cli',
          'package.json'
        ),
        'utf-8'
      )
    );
    expect(pkg.version).toBe(rootPackage.version);
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.license).toBe(rootPackage.license);
  });

  it('runs both commands from the installed bin', () => {
    for (const command of [
      'jupyterlab-testbed-check',
      'jupyterlab-testbed-grade'
    ]) {
      const { status, stdout } = installed(command, ['--help']);
      expect(status).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage:\\n  ${command} `));
    }
  });

  it('checks the sample lab as clean', () => {
    const { status, stdout } = installed('jupyterlab-testbed-check', [
      path.join(ROOT, 'notebooks')
    ]);
    expect(stdout).toMatch(/^0 leaks, 0 warnings in [1-9]\d* notebooks$/m);
    expect(status).toBe(0);
  });

  it('grades a sample class, writing the extension’s version', () => {
    const sample = path.join(tmp, 'class');
    expect(
      installed('jupyterlab-testbed-grade', [
        '--sample',
        sample,
        '--students',
        '3'
      ]).status
    ).toBe(0);
    const { status, stdout } = installed('jupyterlab-testbed-grade', [
      sample,
      '--json',
      '-'
    ]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).by).toBe(rootPackage.version);
  });
});

describe('the CLI build', () => {
  it('refuses compiled code that needs a module the package does not carry', () => {
    const dir = path.join(tmp, 'crafted');
    fs.mkdirSync(path.join(dir, 'cli'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'inside.js'), '');
    fs.writeFileSync(
      path.join(dir, 'cli', 'main.js'),
      [
        'const fs = require("fs");',
        'const ok = require("../inside");',
        'const lumino = require("@lumino/coreutils");',
        "const outside = require('../../outside');",
        'const computed = require(process.argv[2]);'
      ].join('\n')
    );
    expect(foreignRequires(dir)).toEqual([
      'cli/main.js: a require of a computed module name',
      'cli/main.js: @lumino/coreutils is neither a file of the package nor a Node.js built-in module',
      'cli/main.js: ../../outside is not a file of the package'
    ]);
  });

  it('takes only a plain version from package.json into the code', () => {
    const root = path.join(tmp, 'versions');
    fs.mkdirSync(root);
    const withVersion = (version: unknown): string => {
      fs.writeFileSync(
        path.join(root, 'package.json'),
        JSON.stringify({ version })
      );
      return packageVersion(root);
    };
    expect(withVersion('1.2.3-rc.1')).toBe('1.2.3-rc.1');
    for (const bad of [
      "1.0.0'; require('child_process').exec('id'); '",
      '1.0.0\nexport const X = 1;',
      '1.0',
      7
    ]) {
      expect(() => withVersion(bad)).toThrow(
        /^package\.json: "version" must be a semantic version such as 1\.2\.3, not /
      );
    }
  });

  it('leaves the command lines out of the labextension package', () => {
    expect(rootPackage.bin).toBeUndefined();
    expect(JSON.stringify(rootPackage.files)).not.toContain('cli');
    const compiled = execFileSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.json',
        '--listFilesOnly'
      ],
      { cwd: ROOT, encoding: 'utf-8' }
    );
    expect(compiled).toContain(path.join(ROOT, 'src', 'index.ts'));
    expect(compiled).not.toContain(path.join(ROOT, 'src', 'node'));
  });
});
