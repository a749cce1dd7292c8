// The MCP conformance suite (@modelcontextprotocol/conformance, pinned) run against /mcp on a real listening
// server, at MCP 2025-11-25 and 2026-07-28, with a key obtained through the OAuth flow and added by a
// loopback proxy (the suite has no token option). Every check of the scenarios that apply to this server must
// pass, except the few listed in NOT_APPLICABLE with the reason.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickEnv, startProcess } from '@reminderit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BearerProxy, startBearerProxy } from './support/bearer-proxy.ts';
import { exchangeCode, obtainCode } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';

const CLI = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));

const t = useTestApp({ env: { LOG_LEVEL: 'warn' } });
let proxy: BearerProxy;
let outDir: string;

beforeAll(async () => {
  const key = (await exchangeCode(t, await obtainCode(t))).json().access_token as string;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as { port: number };
  proxy = await startBearerProxy(new URL(`http://127.0.0.1:${port}`), key);
  outDir = await mkdtemp(path.join(tmpdir(), 'rmt-conformance-'));
});
afterAll(async () => {
  await proxy?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

interface Check {
  id: string;
  name: string;
  status: string;
  errorMessage?: string;
}

/** Runs one scenario at one revision; resolves with its checks (read from the suite's JSON output). */
async function runScenario(scenario: string, specVersion: string): Promise<{ checks: Check[]; output: string }> {
  const dir = path.join(outDir, `${scenario}@${specVersion}`);
  const child = await startProcess({
    name: `conformance ${scenario} @ ${specVersion}`,
    command: process.execPath,
    args: [CLI, 'server', '--url', `${proxy.url}/mcp`, '--scenario', scenario, '--spec-version', specVersion, '-o', dir],
    env: pickEnv(['PATH', 'HOME', 'TMPDIR']),
    ready: /./, // any output: the suite has started; the test waits for it to finish below
    timeoutMs: 60_000,
  });
  await child.exited;
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('checks.json'));
  const checks = (await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Check[]))).flat();
  return { checks, output: child.output() };
}

/** The scenarios that apply to this server (tools only; stateless; no prompts, resources or server-to-client requests). */
const SCENARIOS = ['tools-list', 'dns-rebinding-protection', 'server-stateless', 'caching', 'http-header-validation'];

/**
 * Checks that cannot pass here, and why. Everything else must be SUCCESS (or SKIPPED by the suite itself).
 * The suite's diagnostic tools (`test_*`) exist only in its reference server; this server offers no prompts
 * or resources, so their caching hints cannot be checked (their methods answer -32601, as they must).
 */
const NOT_APPLICABLE: Record<string, string> = {
  'sep-2575-server-rejects-undeclared-capability': "needs the suite's diagnostic tool test_missing_capability",
  'sep-2575-missing-capability-http-400': "needs the suite's diagnostic tool test_missing_capability",
  'sep-2575-http-server-no-independent-requests-on-stream': "needs the suite's diagnostic tool test_streaming_elicitation",
  'sep-2575-server-no-log-without-loglevel': "needs the suite's diagnostic tool test_logging_tool",
  'sep-2549-prompts-list-caching-hints': 'no prompts offered (prompts/list is -32601)',
  'sep-2549-resources-list-caching-hints': 'no resources offered (resources/list is -32601)',
  'sep-2549-resources-templates-list-caching-hints': 'no resource templates offered (resources/templates/list is -32601)',
};

describe.each(['2025-11-25', '2026-07-28'])('MCP conformance suite at %s', (specVersion) => {
  it.each(SCENARIOS)('%s: every applicable check passes', async (scenario) => {
    const { checks, output } = await runScenario(scenario, specVersion);
    if (checks.length === 0) {
      // The suite itself skips a scenario introduced in a later revision.
      expect(output, output).toMatch(new RegExp(`scenario '${scenario}' is not applicable at spec version ${specVersion}`));
      return;
    }
    const counts: Record<string, number> = {};
    for (const c of checks) counts[c.status] = (counts[c.status] ?? 0) + 1;
    console.info(`conformance ${scenario} @ ${specVersion}: ${JSON.stringify(counts)}`);
    const unexpected = checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'SKIPPED' && !(c.id in NOT_APPLICABLE));
    expect(unexpected.map((c) => `${c.status} ${c.id}: ${c.errorMessage ?? ''}`)).toEqual([]);
    expect(counts.SUCCESS ?? 0).toBeGreaterThan(0);
  });
});
