/**
 * Galata in Debian's Chromium (Playwright cannot download browsers here),
 * against two real servers: one at the root and one under a JupyterHub-style
 * base URL, since that is how students reach their server.
 */
const base = require('@jupyterlab/galata/lib/playwright-config');

const ROOT_PORT = 8931;
const HUB_PORT = 8932;
const HUB_PREFIX = '/user/student/';

const chromium = require('./chromium');

const server = (port, extra = '') => ({
  // Request logs would bury the test results.
  command: `jlpm start --ServerApp.port=${port} --log-level=WARN ${extra}`.trim(),
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
    server(ROOT_PORT),
    server(HUB_PORT, `--ServerApp.base_url=${HUB_PREFIX}`)
  ]
};
