/**
 * Debian's Chromium, as the UI tests and the benchmarks launch it: Playwright
 * cannot download a browser here, and the flags keep Chromium from reaching
 * for the network on its own.
 */
module.exports = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync'
  ]
};
