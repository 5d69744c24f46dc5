#!/usr/bin/env node
/**
 * Builds the command-line package, jupyterlab-testbed-cli, into lib-cli/ (or
 * a new folder given with --outdir): the compiled CLI entry points and the
 * pure modules they import, its package.json (cli/package.json with the
 * version and project fields of the root package.json), README and LICENSE.
 * `npm pack lib-cli` then makes its tarball.
 *
 * The package has no dependencies, so it installs alone: the build fails
 * when a compiled file requires anything but another compiled file of the
 * package or a Node.js built-in module (a pure module that started to
 * import a JupyterLab or Lumino package, say), naming the file and module.
 *
 * Usage: node scripts/build-cli.js [--outdir <new folder>]
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');
const { writeVersion } = require('./write-version');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUT = path.join(ROOT, 'lib-cli');
/** Fields of the root package.json that the CLI package shares. */
const SHARED_FIELDS = ['license', 'author', 'homepage', 'bugs', 'repository'];
const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'bundledDependencies',
  'bundleDependencies'
];
const REQUIRE = /\brequire\s*\(/g;
const LITERAL_REQUIRE = /\brequire\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g;

function readJSON(file) {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** Every .js file under a folder, relative to it, in a stable order. */
function scripts(dir, prefix = '') {
  const found = [];
  const entries = fs.readdirSync(path.join(dir, prefix), {
    withFileTypes: true
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) {
      found.push(...scripts(dir, relative));
    } else if (entry.isFile() && entry.name.endsWith('.js')) {
      found.push(relative);
    }
  }
  return found;
}

function isBuiltin(name) {
  return name.startsWith('node:') || builtinModules.includes(name);
}

/** Whether a relative require from `file` finds a file inside `dir`. */
function resolvesInside(dir, file, request) {
  const target = path.resolve(dir, path.dirname(file), request);
  const inside = path.relative(dir, target);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    return false;
  }
  return [target, `${target}.js`, `${target}.json`, `${target}/index.js`].some(
    candidate => fs.existsSync(candidate) && fs.statSync(candidate).isFile()
  );
}

/**
 * What the compiled files of `dir` require from outside it: one line per
 * file and module, empty when the folder is self-contained.
 */
function foreignRequires(dir) {
  const problems = [];
  for (const file of scripts(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf-8');
    const literals = [...text.matchAll(LITERAL_REQUIRE)];
    if (literals.length !== [...text.matchAll(REQUIRE)].length) {
      problems.push(`${file}: a require of a computed module name`);
    }
    for (const [, , request] of literals) {
      if (request.startsWith('.')) {
        if (!resolvesInside(dir, file, request)) {
          problems.push(`${file}: ${request} is not a file of the package`);
        }
      } else if (!isBuiltin(request)) {
        problems.push(
          `${file}: ${request} is neither a file of the package nor a Node.js built-in module`
        );
      }
    }
  }
  return problems;
}

/** The CLI package's package.json: cli/package.json and the shared fields. */
function cliManifest(version) {
  const template = readJSON(path.join(ROOT, 'cli', 'package.json'));
  const declared = DEPENDENCY_FIELDS.filter(field => field in template);
  if (declared.length > 0) {
    throw new Error(
      `cli/package.json: the CLI package installs alone; remove ${declared.join(', ')}`
    );
  }
  if ('version' in template) {
    throw new Error(
      'cli/package.json: the version comes from the root package.json; remove "version"'
    );
  }
  const root = readJSON(path.join(ROOT, 'package.json'));
  const shared = {};
  for (const field of SHARED_FIELDS) {
    if (field in root) {
      shared[field] = root[field];
    }
  }
  return { name: template.name, version, ...template, ...shared };
}

function outDirFrom(argv) {
  if (argv.length === 0) {
    return DEFAULT_OUT;
  }
  if (argv.length !== 2 || argv[0] !== '--outdir') {
    throw new Error('usage: node scripts/build-cli.js [--outdir <new folder>]');
  }
  const outDir = path.resolve(argv[1]);
  // Only lib-cli/ is ours to empty: stale files would ship in the package.
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new Error(`--outdir ${outDir} must be a new or empty folder`);
  }
  return outDir;
}

function buildCli(outDir) {
  const version = writeVersion();
  const manifest = cliManifest(version);
  if (outDir === DEFAULT_OUT) {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.node.json',
      '--outDir',
      outDir
    ],
    { cwd: ROOT, stdio: 'inherit' }
  );
  const problems = foreignRequires(outDir);
  if (problems.length > 0) {
    throw new Error(
      `the CLI package would need modules it does not carry:\n  ${problems.join('\n  ')}`
    );
  }
  for (const bin of Object.values(manifest.bin)) {
    fs.chmodSync(path.join(outDir, bin), 0o755);
  }
  fs.writeFileSync(
    path.join(outDir, 'package.json'),
    `${JSON.stringify(manifest, null, 2)}\n`
  );
  fs.copyFileSync(
    path.join(ROOT, 'cli', 'README.md'),
    path.join(outDir, 'README.md')
  );
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(outDir, 'LICENSE'));
  return manifest;
}

module.exports = { buildCli, foreignRequires };

if (require.main === module) {
  try {
    buildCli(outDirFrom(process.argv.slice(2)));
  } catch (error) {
    console.error(`build-cli: ${error.message}`);
    process.exit(1);
  }
}
