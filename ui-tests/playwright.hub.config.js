/**
 * The two-user JupyterHub test (scripts/hub-test.sh starts the hub, the
 * users and the SSH testbed, then runs this): plain Playwright in Debian's
 * Chromium, through the hub's proxy.
 */
const chromium = require('./chromium');

module.exports = {
  testDir: './hub-tests',
  timeout: 180 * 1000,
  expect: { timeout: 30 * 1000 },
  // The tests follow one student's story in order, on one hub.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/hub',
  use: {
    baseURL: process.env.JLT_HUB_URL,
    launchOptions: chromium,
    viewport: { width: 1400, height: 900 },
    trace: 'retain-on-failure',
    video: 'off'
  }
};
