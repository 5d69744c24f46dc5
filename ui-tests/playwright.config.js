/**
 * Galata in Debian's Chromium (Playwright cannot download browsers here),
 * against two real servers: one at the root and one under a JupyterHub-style
 * base URL, since that is how students reach their server.
 */
const fs = require('fs');
const path = require('path');
const base = require('@jupyterlab/galata/lib/playwright-config');

const ROOT_PORT = 8931;
const HUB_PORT = 8932;
const HUB_PREFIX = '/user/student/';

const chromium = require('./chromium');

// The servers' output goes to a file each (ci-logs/ at the repository's root,
// kept by .ci/run), not between the test lines; scripts/test.sh shows the end
// of each when Galata fails.
const LOGS = path.join(__dirname, '..', 'ci-logs');
fs.mkdirSync(LOGS, { recursive: true });
const serverLog = name => path.join(LOGS, `galata-server-${name}.log`);

const server = (name, port, extra = '') => ({
  // Request logs would bury what the server warns about.
  command: `jlpm start --ServerApp.port=${port} --log-level=WARN ${extra} >'${serverLog(name)}' 2>&1`,
  url: `http://localhost:${port}${extra ? HUB_PREFIX : '/'}lab`,
  timeout: 120 * 1000,
  reuseExistingServer: !process.env.CI,
  // The server extension stops the ssh-agent it started at shutdown.
  gracefulShutdown: { signal: 'SIGTERM', timeout: 10 * 1000 }
});

module.exports = {
  ...base,
  // release/ and hub-tests/ have configs of their own, with their servers.
  testDir: './tests',
  timeout: 90 * 1000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...base.use,
    launchOptions: chromium,
    trace: 'retain-on-failure',
    // Video needs an ffmpeg download, which cannot happen here.
    video: 'off'
  },
  projects: [
    {
      name: 'root',
      use: { baseURL: `http://localhost:${ROOT_PORT}` }
    },
    {
      name: 'hub-base-url',
      use: { baseURL: `http://localhost:${HUB_PORT}${HUB_PREFIX.replace(/\/$/, '')}` }
    }
  ],
  webServer: [
    server('root', ROOT_PORT),
    server('hub-base-url', HUB_PORT, `--ServerApp.base_url=${HUB_PREFIX}`)
  ]
};
