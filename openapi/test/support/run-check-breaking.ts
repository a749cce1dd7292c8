// Run scripts/check-breaking.ts as CI does (a child process) and collect its exit code and output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const checkBreakingScript = fileURLToPath(new URL('../../scripts/check-breaking.ts', import.meta.url));

export type RunResult = { status: number | null; output: string };

export function runCheckBreaking(args: string[], options: { env?: Record<string, string>; script?: string; cwd?: string } = {}): RunResult {
  // Start from a neutral environment: an outer BASE_REF / ALLOW_BREAKING / GIT_DIR must not leak into the test.
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const name of ['BASE_REF', 'ALLOW_BREAKING', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) {
    if (!options.env?.[name]) delete env[name];
  }
  const result = spawnSync(process.execPath, [options.script ?? checkBreakingScript, ...args], {
    env,
    cwd: options.cwd,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
