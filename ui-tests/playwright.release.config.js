/**
 * The released-wheel smoke (scripts/release-smoke.sh): plain Playwright in
 * Debian's Chromium against one `jupyter lab` per JupyterLab version, each
 * started from its own fresh venv with no Node.js on its PATH. The script
 * describes the servers in RELEASE_SMOKE_SERVERS (JSON: name, port, bin,
 * root, state, control) and the PATH in RELEASE_SMOKE_PATH.
 *
 * Galata's page fixture is not used: its in-page helpers come from the
 * server's JupyterLab and differ between 4.4 and the newest 4.x, while
 * `window.jupyterapp` and the page itself are the same on both.
 */
const fs = require('fs');
const path = require('path');
const chromium = require('./chromium');

const servers = JSON.parse(process.env.RELEASE_SMOKE_SERVERS || '[]');
const CONFIG = path.join(__dirname, 'release', 'server_config.py');
// Each server's output goes to a file (ci-logs/ at the repository's root,
// kept by .ci/run), not between the test lines.
const LOGS = path.join(__dirname, '..', 'ci-logs');
fs.mkdirSync(LOGS, { recursive: true });

module.exports = {
  testDir: './release',
  timeout: 240 * 1000,
  expect: { timeout: 30 * 1000 },
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: process.env.RELEASE_SMOKE_RESULTS || 'test-results-release',
  use: {
    launchOptions: chromium,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    video: 'off'
  },
  projects: servers.map(server => ({
    name: server.name,
    use: { baseURL: `http://127.0.0.1:${server.port}` }
  })),
  webServer: servers.map(server => ({
    command: [
      path.join(server.bin, 'jupyter'),
      'lab',
      `--config=${CONFIG}`,
      `--ServerApp.port=${server.port}`,
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.root_dir=${server.root}`,
      '--log-level=WARN',
      `>'${path.join(LOGS, `release-server-${server.name}.log`)}' 2>&1`
    ].join(' '),
    url: `http://127.0.0.1:${server.port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    env: {
      ...process.env,
      PATH: process.env.RELEASE_SMOKE_PATH,
      RELEASE_SMOKE_STATE: server.state,
      RELEASE_SMOKE_CONTROL: server.control,
      JUPYTERLAB_TESTBED_WORK_DIR: path.join(server.state, 'work')
    },
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10 * 1000 }
  }))
};
