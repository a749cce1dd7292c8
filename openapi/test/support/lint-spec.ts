// Run the project's Redocly ruleset (../../redocly.yaml) on a spec file and return its JSON report.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const openapiDir = fileURLToPath(new URL('../../', import.meta.url));
const redocly = `${openapiDir}node_modules/.bin/redocly`;
export const redoclyConfig = `${openapiDir}redocly.yaml`;

export type LintProblem = {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
};

export async function lintSpec(file: string): Promise<LintProblem[]> {
  // `lint` exits non-zero when it finds errors; the report is on stdout either way.
  const result = await run(redocly, ['lint', '--config', redoclyConfig, '--format', 'json', file], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 64 << 20,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`redocly lint produced no report: ${error.stderr ?? error}`);
    return { stdout: error.stdout };
  });
  return (JSON.parse(result.stdout) as { problems: LintProblem[] }).problems;
}
