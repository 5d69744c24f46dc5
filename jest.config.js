const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');
const { writeVersion } = require('./scripts/write-version');

// src/core/version.ts is generated from package.json; tests may run before a build.
writeVersion();

const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@microsoft/fast',
  '@jupyterlab/',
  'exenv-es6',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/.ipynb_checkpoints/*'
  ],
  coverageReporters: ['lcov', 'text-summary'],
  // Tests mirror the source tree: tests/<core|lab|node>/<capability>/.
  testRegex: '/tests/(core|lab|node)/.*\\.spec\\.tsx?$',
  modulePathIgnorePatterns: [
    '<rootDir>/.venv',
    '<rootDir>/ui-tests',
    '<rootDir>/jupyterlab_testbed',
    // The CLI package built from cli/package.json has the same name.
    '<rootDir>/lib-cli'
  ],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
