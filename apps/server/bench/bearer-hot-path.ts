// Benchmark of the bearer-key hot path: every MCP and REST request carries an `rmt_` key that is hashed
// (SHA-256) and looked up before anything else runs. Prints throughput and latency percentiles for a
// no-auth baseline, the REST list, an MCP tools/list at a 2025 revision and at 2026-07-28, and a rejected key, over real HTTP with N requests in
// flight, on embedded storage — and on Postgres + Redis when DATABASE_URL and REDIS_URL are set.
//
//   ./run --filter @reminderit/server bench            (BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 by default)
//
// Figures only: no thresholds here (targets are judged by people reading them, never by a timed test).
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { testBackends } from '../test/support/backends.ts';
import { exchangeCode, obtainCode } from '../test/support/flow.ts';
import { freePort } from '../test/support/free-port.ts';
import type { TestApp } from '../test/support/test-app.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Scenario {
  name: string;
  request: (base: string, key: string) => [string, RequestInit];
  expect: number;
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

/** The per-request `_meta` envelope of an MCP 2026-07-28 request. */
const MODERN_ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '0.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

const scenarios: Scenario[] = [
  { name: 'GET /healthz (no auth, baseline)', expect: 200, request: (base) => [`${base}/healthz`, {}] },
  {
    name: 'GET /v1/reminders (bearer key)',
    expect: 200,
    request: (base, key) => [`${base}/v1/reminders?limit=20`, { headers: { authorization: `Bearer ${key}` } }],
  },
  {
    name: 'POST /mcp tools/list (bearer key)',
    expect: 200,
    request: (base, key) => [
      `${base}/mcp`,
      { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${key}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) },
    ],
  },
  {
    name: 'POST /mcp tools/list 2026-07-28 (bearer key)',
    expect: 200,
    request: (base, key) => [
      `${base}/mcp`,
      {
        method: 'POST',
        headers: { ...MCP_HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list', authorization: `Bearer ${key}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_ENVELOPE } }),
      },
    ],
  },
  {
    name: 'POST /mcp, key failing its checksum (401)',
    expect: 401,
    request: (base) => [
      `${base}/mcp`,
      {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer rmt_${'A'.repeat(43)}_xxxxxx` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      },
    ],
  },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(scenario: Scenario, base: string, key: string): Promise<string> {
  const latencies: number[] = [];
  let next = 0;
  let wrong = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const [url, init] = scenario.request(base, key);
      const t0 = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== scenario.expect) wrong++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => v.toFixed(2).padStart(7);
  return `${scenario.name.padEnd(46)} ${String(Math.round(REQUESTS / seconds)).padStart(6)} req/s   p50 ${ms(percentile(latencies, 50))} ms   p95 ${ms(percentile(latencies, 95))} ms   p99 ${ms(percentile(latencies, 99))} ms${wrong ? `   (${wrong} unexpected statuses!)` : ''}`;
}

for (const backend of testBackends()) {
  if (!backend.available) {
    console.log(`\n${backend.name}: skipped (set DATABASE_URL and REDIS_URL)`);
    continue;
  }
  const backends = await backend.open();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PUBLIC_URL: base, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db: backends.db, kv: backends.kv, clock: backends.clock, logger: createLogger('silent') });
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const t = { app } as TestApp;
    const key = (await exchangeCode(t, await obtainCode(t))).json().access_token as string;
    console.log(`\n${backend.name}: ${REQUESTS} requests per line, ${CONCURRENCY} in flight, Node ${process.versions.node}`);
    for (const scenario of scenarios) {
      await run({ ...scenario }, base, key); // warm-up (JIT, connection pool, validators)
      console.log(await run(scenario, base, key));
    }
    console.log(`RSS after: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  } finally {
    await app.close();
    await backends.close();
  }
}
