import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Build the CLI package from the current sources (a stale build would test
 * old code) into `outDir`, a new folder per test file, since test files run
 * at the same time.
 */
export function buildCli(outDir: string): void {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'build-cli.js'), '--outdir', outDir],
    { cwd: ROOT, stdio: 'pipe' }
  );
}
