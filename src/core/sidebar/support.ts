/**
 * The JupyterLab versions this release is built and tested for. The
 * extension is built against JupyterLab 4.4's packages (package.json); on a
 * JupyterLab outside this range the sidebar does not start and says why,
 * instead of failing somewhere later or not showing at all.
 *
 * Keep in step with jupyterlab_testbed/compat.py.
 */
export const SUPPORTED_JUPYTERLAB = '>=4.4,<5';

const LOWEST: [number, number] = [4, 4];
const BELOW_MAJOR = 5;

/** Whether a JupyterLab version (`app.version`) is in the supported range. */
export function isSupportedJupyterLab(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) {
    return false;
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major >= BELOW_MAJOR) {
    return false;
  }
  return major > LOWEST[0] || (major === LOWEST[0] && minor >= LOWEST[1]);
}
