// `./run bench`: the hot-path benchmark of issue 14, one table, every figure as a ratio beside its target.
//
// This process is only the load generator and the referee. It starts, each in its own process:
//   - the server exactly as `./run start` runs it (the `start` script of package.json, V8 flags included), on
//     Postgres + Redis: a fresh database
//     `bench_<pid>_<time>` on DATABASE_URL's server and its own Redis key prefix, both removed at the end;
//   - bare Fastify 5 answering GET /healthz (bench/bare-fastify.ts), the ceiling of any Fastify app here;
//   - the MCP SDK v1's reference authorization server, in-memory and auto-approving (bench/sdk-reference-as.ts).
// HTTP figures are autocannon runs (BENCH_CONNECTIONS connections, default 32, BENCH_SECONDS each, default 5,
// after a 1 s warm-up). Flows/s is a driver here with the same number of concurrent browsers, each doing
// authorize → consent → token (ours) or authorize → token (the reference has no consent step).
// Key validation p50: a well-formed key that is in no row (so no cache can answer it: every request is an
// index lookup) with 1 k and then 1 M rows in api_keys (bulk insert with generate_series).
// Peak RSS: the server's VmHWM from /proc after all of the above.
//
//   ./run bench                       (DATABASE_URL and REDIS_URL default to the local Postgres and Redis)
//   BENCH_SECONDS=8 ./run bench
//
// Rate limits are lifted through configuration (RATE_LIMIT_*_MAX), the same variables production uses; no
// code path is weakened for the bench. Figures only: nothing here passes or fails a build.
import { loadavg } from 'node:os';
import { Browser, ourFlow, referenceFlow, register, signedInBrowser } from './flow-client.ts';
import { bulkKeys, CONNECTIONS, type Figure, flowsPerSecond, freePort, hotPaths, load, rssMiB, runBench, SECONDS, startChild, startServer } from './harness.ts';

async function main() {
  const load0 = loadavg();
  const server = await startServer();
  const { base } = server;
  const [barePort, refPort] = [await freePort(), await freePort()];
  await startChild('bare fastify', ['bench/bare-fastify.ts'], { PORT: String(barePort) }, /listening/);
  await startChild('sdk reference AS', ['bench/sdk-reference-as.ts'], { PORT: String(refPort) }, /listening/);

  // A user, a client and a key of ours, through the real flow.
  const clientId = await register(base);
  const first = await signedInBrowser(base);
  const key = await ourFlow(first, clientId);
  const paths = hotPaths(base, key);

  const rows: { name: string; value: string; ratio: string; target: string; met?: boolean }[] = [];
  const fmt = (f: Figure) => `${Math.round(f.rps).toLocaleString('en')} req/s, p50 ${f.p50} ms${f.bad ? ` (${f.bad} unexpected!)` : ''}`;

  const bare = await load({ url: `http://127.0.0.1:${barePort}/healthz`, expect: 200 });
  rows.push({ name: 'bare Fastify 5 GET /healthz', value: fmt(bare), ratio: '—', target: '—' });
  const healthz = await load(paths.healthz);
  const r1 = healthz.rps / bare.rps;
  rows.push({ name: 'our GET /healthz', value: fmt(healthz), ratio: `${r1.toFixed(2)} × bare`, target: '≥ 0.5', met: r1 >= 0.5 });
  const bearerRoute = await load(paths.keyedRoute);
  const r2 = bearerRoute.rps / healthz.rps;
  rows.push({ name: 'GET /v1/reminders/{unknown}, key', value: fmt(bearerRoute), ratio: `${r2.toFixed(2)} × healthz`, target: '≥ 0.85', met: r2 >= 0.85 });
  const list = await load(paths.toolsList);
  const r3 = list.rps / healthz.rps;
  rows.push({ name: 'POST /mcp tools/list, key', value: fmt(list), ratio: `${r3.toFixed(2)} × healthz`, target: '≥ 0.6', met: r3 >= 0.6 });
  const call = await load(paths.toolsCall);
  rows.push({ name: 'POST /mcp tools/call list_reminders, key', value: fmt(call), ratio: `${(call.rps / healthz.rps).toFixed(2)} × healthz`, target: '—' });

  // Flows: CONNECTIONS browsers each, signed in once (ours) — the flow is authorize → consent → token.
  const ours = await Promise.all(Array.from({ length: CONNECTIONS }, () => signedInBrowser(base)));
  await flowsPerSecond(ours, (b) => ourFlow(b, clientId), 1);
  const ourFlows = await flowsPerSecond(ours, (b) => ourFlow(b, clientId), SECONDS);
  const refBase = `http://127.0.0.1:${refPort}`;
  const refClient = await register(refBase);
  const refs = Array.from({ length: CONNECTIONS }, () => new Browser(refBase));
  await flowsPerSecond(refs, (b) => referenceFlow(b, refClient), 1);
  const refFlows = await flowsPerSecond(refs, (b) => referenceFlow(b, refClient), SECONDS);
  const r4 = ourFlows / refFlows;
  rows.push({ name: 'SDK reference AS authorize → token (memory)', value: `${Math.round(refFlows)} flows/s`, ratio: '—', target: '—' });
  rows.push({
    name: 'our authorize → consent → token (durable)',
    value: `${Math.round(ourFlows)} flows/s`,
    ratio: `${r4.toFixed(2)} × reference`,
    target: '≥ 1.0',
    met: r4 >= 1,
  });

  // Key validation with 1 k and 1 M keys in api_keys: an unknown well-formed key is an index lookup each time.
  await bulkKeys(server, 1, 1000);
  const k1 = await load(paths.unknownKey);
  const bulkStarted = performance.now();
  await bulkKeys(server, 1001, 1_000_000);
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;
  const k1m = await load(paths.unknownKey);
  const r5 = k1m.p50 / Math.max(k1.p50, 0.001);
  rows.push({ name: 'key validation, 1 k keys', value: fmt(k1), ratio: '—', target: '—' });
  rows.push({
    name: `key validation, 1 M keys (inserted in ${bulkSeconds.toFixed(0)} s)`,
    value: fmt(k1m),
    ratio: `${r5.toFixed(2)} × 1 k p50`,
    target: '≤ 1.2',
    met: r5 <= 1.2,
  });

  const rss = rssMiB(server.pid);
  rows.push({
    name: 'server peak RSS (VmHWM) under load',
    value: `${rss.peak.toFixed(0)} MiB (now ${rss.now.toFixed(0)} MiB)`,
    ratio: `${(rss.peak / 150).toFixed(2)} × 150 MiB`,
    target: '< 1.0',
    met: rss.peak < 150,
  });

  const load1 = loadavg();
  console.log(
    `\nReminderIt hot-path bench — Node ${process.versions.node}, ${CONNECTIONS} connections, ${SECONDS} s per figure, Postgres + Redis; ` +
      `load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after\n`,
  );
  const w = [44, 40, 22, 7];
  console.log(`| ${'figure'.padEnd(w[0]!)} | ${'measured'.padEnd(w[1]!)} | ${'ratio'.padEnd(w[2]!)} | ${'target'.padEnd(w[3]!)} | met |`);
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|-----|`);
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
    console.log(`| ${r.name.padEnd(w[0]!)} | ${r.value.padEnd(w[1]!)} | ${r.ratio.padEnd(w[2]!)} | ${r.target.padEnd(w[3]!)} | ${met.padEnd(3)} |`);
  }
}

await runBench(main);
