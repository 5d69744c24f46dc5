import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Compile both CLIs from the current sources (a stale build would test old
 * code), into lib-cli/ or, for tests that run at the same time, `outDir`.
 */
export function buildCli(outDir?: string): void {
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.cli.json',
      ...(outDir ? ['--outDir', outDir] : [])
    ],
    { cwd: ROOT, stdio: 'pipe' }
  );
}
