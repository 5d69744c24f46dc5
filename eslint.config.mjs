// ESLint for the TypeScript sources and tests. Besides the usual rules it
// enforces the layout (issue 17): src/core imports only core and touches no
// DOM or Node; src/lab imports core and lab; src/node imports core and node;
// no import cycles.
import js from '@eslint/js';
import jupyter from '@jupyter/eslint-plugin';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** JupyterLab, Lumino and CodeMirror: the browser application's packages. */
const LAB_PACKAGES = ['@jupyterlab/*', '@lumino/*', '@codemirror/*'];

/** DOM and browser globals that pure code may not reach for. */
const BROWSER_GLOBALS = [
  'document',
  'window',
  'navigator',
  'localStorage',
  'sessionStorage',
  'location',
  'requestAnimationFrame',
  'getComputedStyle'
].map(name => ({
  name,
  message: 'src/core is pure: pass what it needs in from src/lab.'
}));

/** Node.js's own modules, both spellings. */
const NODE_BUILTINS = [
  'child_process',
  'crypto',
  'fs',
  'fs/promises',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'url',
  'util',
  'node:*'
];

export default tseslint.config(
  {
    ignores: [
      'lib/',
      'lib-cli/',
      'node_modules/',
      'jupyterlab_testbed/',
      'ui-tests/',
      'coverage/',
      'dist/',
      '.venv/',
      'src/core/version.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  jupyter.configs.recommended,
  {
    rules: {
      // `const { omitted: _, ...rest } = value` is how a key is left out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }
      ]
    }
  },
  {
    files: ['src/**/*.ts', 'tests/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: importX.flatConfigs.typescript.settings,
    languageOptions: {
      parserOptions: { ecmaVersion: 2020, sourceType: 'module' }
    },
    rules: {
      // The codebase's own conventions, as in JupyterLab's extension template.
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      // JupyterLab's own APIs take and return `any` (plugin lists, settings).
      '@typescript-eslint/no-explicit-any': 'off',
      // `namespace Private` is the codebase's way to keep module internals apart.
      '@typescript-eslint/no-namespace': 'off',
      curly: ['error', 'all'],
      eqeqeq: ['error', 'smart'],
      'prefer-arrow-callback': 'error',
      // One small chunk: loading parts later would add round trips, not save time.
      'jupyter/prefer-lazy-imports': 'off',
      'jupyter/command-described-by': 'error',
      // Finding control characters (terminal escapes, hidden text) is this code's job.
      'no-control-regex': 'off',
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error'
    }
  },
  {
    // Where code runs, checked on every import (issue 17's layout).
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './src/core',
              from: ['./src/lab', './src/node', './src/index.ts'],
              message: 'src/core imports only src/core.'
            },
            {
              target: './src/lab',
              from: ['./src/node'],
              message: 'src/lab imports only src/core and src/lab.'
            },
            {
              target: './src/node',
              from: ['./src/lab', './src/index.ts'],
              message: 'src/node imports only src/core and src/node.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // Core has no translator: its labels are data, translated where shown.
      'jupyter/no-untranslated-string': 'off',
      'no-restricted-globals': ['error', ...BROWSER_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...LAB_PACKAGES, ...NODE_BUILTINS],
              message:
                'src/core is pure: no JupyterLab, Lumino, CodeMirror or Node.js modules.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/node/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: LAB_PACKAGES,
              message:
                'src/node runs without JupyterLab: the CLI package installs alone.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['tests/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // Test data is not shown to users.
      'jupyter/no-untranslated-string': 'off',
      // Tests load scripts/*.js (CommonJS) the way Node does.
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  {
    // The build, release and benchmark scripts run in Node.js.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-control-regex': 'off' }
  },
  {
    // Benchmarks pass functions to the browser page they drive.
    files: ['bench/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } }
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  prettier
);
