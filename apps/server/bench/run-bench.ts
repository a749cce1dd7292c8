// `./run bench`: the hot-path benchmark of issue 14, one table, every figure as a ratio beside its target.
//
// This process is only the load generator and the referee. It starts, each in its own process:
//   - the server exactly as `./run start` runs it (the `start` script of package.json, V8 flags included), on
//     Postgres + Redis: a fresh database
//     `bench_<pid>_<time>` on DATABASE_URL's server and its own Redis key prefix, both removed at the end;
//   - bare Fastify 5 answering GET /healthz (bench/bare-fastify.ts), the ceiling of any Fastify app here;
//   - the MCP SDK v1's reference authorization server, in-memory and auto-approving (bench/sdk-reference-as.ts).
// HTTP figures are autocannon runs (BENCH_CONNECTIONS connections, default 32, BENCH_SECONDS each, default 4,
// after a 1 s warm-up), taken BENCH_ROUNDS times (default 3) interleaved; each ratio is the median of its rounds'. Flows/s is a driver here with the same number of concurrent browsers, each doing
// authorize → consent → token (ours) or authorize → token (the reference has no consent step).
// Key validation p50: a well-formed key that is in no row (so no cache can answer it: every request is an
// index lookup) with 1 k and then 1 M rows in api_keys (bulk insert with generate_series, then VACUUM ANALYZE),
// one request at a time (µs); the 32-connection rate is shown beside it.
// CPU by process: each party's utime + stime per request or flow (bench/cpu-meter.ts), printed after the table.
// Peak RSS: the server's VmHWM from /proc after all of the above.
//
//   ./run bench                       (DATABASE_URL and REDIS_URL default to the local Postgres and Redis)
//   BENCH_SECONDS=8 ./run bench
//
// Rate limits are lifted through configuration (RATE_LIMIT_*_MAX), the same variables production uses; no
// code path is weakened for the bench. Figures only: nothing here passes or fails a build.
import { loadavg } from 'node:os';
import { type CpuShare, totalCpu } from './cpu-meter.ts';
import { Browser, ourFlow, referenceFlow, register, signedInBrowser } from './flow-client.ts';
import {
  bulkKeys,
  CONNECTIONS,
  type Figure,
  flowsPerSecond,
  freePort,
  hotPaths,
  load,
  medianFigure,
  medianOf,
  medianRound,
  ROUNDS,
  rssMiB,
  runBench,
  SECONDS,
  sequentialP50,
  startChild,
  startServer,
} from './harness.ts';

async function main() {
  const load0 = loadavg();
  const server = await startServer();
  const { base } = server;
  const [barePort, refPort] = [await freePort(), await freePort()];
  const bare = await startChild('bare fastify', ['bench/bare-fastify.ts'], { PORT: String(barePort) }, /listening/);
  const reference = await startChild('sdk reference AS', ['bench/sdk-reference-as.ts'], { PORT: String(refPort) }, /listening/);

  // A user, a client and a key of ours, through the real flow.
  const clientId = await register(base);
  const first = await signedInBrowser(base);
  const key = await ourFlow(first, clientId);
  const paths = hotPaths(base, key, server.pid);

  const rows: { name: string; value: string; ratio: string; target: string; met?: boolean }[] = [];
  const fmt = (f: Figure) => `${Math.round(f.rps).toLocaleString('en')} req/s, p50 ${f.p50} ms${f.bad ? ` (${f.bad} unexpected!)` : ''}`;
  /** `0.52 (0.47 0.52 0.58)`: the median, then every round's value. */
  const show = (m: { median: number; all: number[] }) =>
    m.all.length > 1 ? `${m.median.toFixed(2)} (${m.all.map((v) => v.toFixed(2)).join(' ')})` : m.median.toFixed(2);

  // The HTTP and flow figures are taken ROUNDS times, interleaved (bare, ours, keyed, tools/list, …, then again):
  // on a shared VM a figure taken once moves with whatever else ran in its few seconds, so each ratio is the
  // median of its per-round ratios (all of them printed), every pair measured back to back.
  const rounds: Record<'bare' | 'healthz' | 'keyed' | 'list' | 'call', Figure>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rounds.push({
      bare: await load({ url: `http://127.0.0.1:${barePort}/healthz`, expect: 200, server: bare.pid }),
      healthz: await load(paths.healthz),
      keyed: await load(paths.keyedRoute),
      list: await load(paths.toolsList),
      call: await load(paths.toolsCall),
    });
  }
  const figure = (name: keyof (typeof rounds)[number]) => medianFigure(rounds.map((r) => r[name]));
  const ratio = (of: keyof (typeof rounds)[number], to: keyof (typeof rounds)[number]) => medianOf(rounds.map((r) => r[of].rps / r[to].rps));
  const r1 = ratio('healthz', 'bare');
  const r2 = ratio('keyed', 'healthz');
  const r3 = ratio('list', 'healthz');
  rows.push({ name: 'bare Fastify 5 GET /healthz', value: fmt(figure('bare')), ratio: '—', target: '—' });
  rows.push({ name: 'our GET /healthz', value: fmt(figure('healthz')), ratio: `${show(r1)} × bare`, target: '≥ 0.5', met: r1.median >= 0.5 });
  rows.push({
    name: 'GET /v1/reminders/{unknown}, key',
    value: fmt(figure('keyed')),
    ratio: `${show(r2)} × healthz`,
    target: '≥ 0.85',
    met: r2.median >= 0.85,
  });
  rows.push({ name: 'POST /mcp tools/list, key', value: fmt(figure('list')), ratio: `${show(r3)} × healthz`, target: '≥ 0.6', met: r3.median >= 0.6 });
  rows.push({
    name: 'POST /mcp tools/call list_reminders, key',
    value: fmt(figure('call')),
    ratio: `${show(ratio('call', 'healthz'))} × healthz`,
    target: '—',
  });

  // Flows: CONNECTIONS browsers each, signed in once (ours) — the flow is authorize → consent → token.
  const ours = await Promise.all(Array.from({ length: CONNECTIONS }, () => signedInBrowser(base)));
  const refBase = `http://127.0.0.1:${refPort}`;
  const refClient = await register(refBase);
  const refs = Array.from({ length: CONNECTIONS }, () => new Browser(refBase));
  const flowRounds: { ours: number; ref: number; oursCpu?: CpuShare; refCpu?: CpuShare }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await flowsPerSecond(ours, (b) => ourFlow(b, clientId), 1);
    const o = await flowsPerSecond(ours, (b) => ourFlow(b, clientId), SECONDS, server.pid);
    await flowsPerSecond(refs, (b) => referenceFlow(b, refClient), 1);
    const f = await flowsPerSecond(refs, (b) => referenceFlow(b, refClient), SECONDS, reference.pid);
    flowRounds.push({ ours: o.perSecond, ref: f.perSecond, oursCpu: o.cpu, refCpu: f.cpu });
  }
  const r4 = medianOf(flowRounds.map((f) => f.ours / f.ref));
  rows.push({
    name: 'SDK reference AS authorize → token (memory)',
    value: `${Math.round(medianOf(flowRounds.map((f) => f.ref)).median)} flows/s`,
    ratio: '—',
    target: '—',
  });
  rows.push({
    name: 'our authorize → consent → token (durable)',
    value: `${Math.round(medianOf(flowRounds.map((f) => f.ours)).median)} flows/s`,
    ratio: `${show(r4)} × reference`,
    target: '≥ 1.0',
    met: r4.median >= 1,
  });

  // Key validation with 1 k and 1 M keys in api_keys: an unknown well-formed key is an index lookup each time.
  // The p50 compared is one request at a time (µs, no queueing); the 32-connection load is shown beside it.
  await bulkKeys(server, 1, 1000);
  const k1 = { one: await sequentialP50(paths.unknownKey), loaded: await load(paths.unknownKey) };
  const bulkStarted = performance.now();
  await bulkKeys(server, 1001, 1_000_000);
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;
  const k1m = { one: await sequentialP50(paths.unknownKey), loaded: await load(paths.unknownKey) };
  const r5 = k1m.one / k1.one;
  const keyFmt = (k: typeof k1) => `p50 ${Math.round(k.one)} µs one at a time; ${fmt(k.loaded)}`;
  rows.push({ name: 'key validation, 1 k keys', value: keyFmt(k1), ratio: '—', target: '—' });
  rows.push({
    name: `key validation, 1 M keys (inserted in ${bulkSeconds.toFixed(0)} s)`,
    value: keyFmt(k1m),
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
    `\nReminderIt hot-path bench — Node ${process.versions.node}, ${CONNECTIONS} connections, ${SECONDS} s per figure, ${ROUNDS} rounds, Postgres + Redis; ` +
      `load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after\n`,
  );
  const w = [44, 62, 36, 7];
  console.log(`| ${'figure'.padEnd(w[0]!)} | ${'measured'.padEnd(w[1]!)} | ${'ratio'.padEnd(w[2]!)} | ${'target'.padEnd(w[3]!)} | met |`);
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|-----|`);
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
    console.log(`| ${r.name.padEnd(w[0]!)} | ${r.value.padEnd(w[1]!)} | ${r.ratio.padEnd(w[2]!)} | ${r.target.padEnd(w[3]!)} | ${met.padEnd(3)} |`);
  }

  // Who spent the CPU (bench/cpu-meter.ts), in the round whose rate is the median; on two busy cores a ratio of
  // two rates is about the inverse ratio of these totals, so they bound what any one party can change.
  const [h, k, ref, f] = [
    figure('healthz').cpu,
    figure('keyed').cpu,
    medianRound(flowRounds, (x) => x.ref).refCpu,
    medianRound(flowRounds, (x) => x.ours).oursCpu,
  ];
  const cpuRows: [string, CpuShare | undefined][] = [
    ['bare Fastify GET /healthz, per request', figure('bare').cpu],
    ['our GET /healthz, per request', h],
    ['GET /v1/reminders/{unknown}, per request', k],
    ['POST /mcp tools/list, per request', figure('list').cpu],
    ['POST /mcp tools/call, per request', figure('call').cpu],
    ['reference authorize → token, per flow', ref],
    ['our authorize → consent → token, per flow', f],
  ];
  const us = (n: number) => Math.round(n).toLocaleString('en').padStart(7);
  console.log('\nCPU by process, µs (utime + stime from /proc; the server is the one serving the row: bare, ours or the reference)\n');
  console.log(`| ${'load'.padEnd(44)} |  server | Postgres |   Redis | load generator |     all |`);
  console.log(`|${'-'.repeat(46)}|---------|----------|---------|----------------|---------|`);
  for (const [name, c] of cpuRows) {
    if (!c) continue;
    console.log(
      `| ${name.padEnd(44)} | ${us(c.server)} | ${us(c.postgres).padStart(8)} | ${us(c.redis)} | ${us(c.driver).padStart(14)} | ${us(totalCpu(c))} |`,
    );
  }
  if (h && k) {
    // Had the server and the load generator spent no more on the keyed route than on /healthz, Postgres's and
    // Redis's own CPU for it would still cost this much.
    const ceiling = totalCpu(h) / (totalCpu(h) + Math.max(0, k.postgres - h.postgres) + Math.max(0, k.redis - h.redis));
    console.log(`\nkeyed route: its Postgres + Redis CPU alone caps keyed ÷ /healthz at ~${ceiling.toFixed(2)} on this machine`);
  }
  if (f && ref) {
    // Had our server spent nothing at all, the flow's other parties would still cost this much.
    const ceiling = totalCpu(ref) / (f.postgres + f.redis + f.driver);
    console.log(`flows: with our server at zero CPU, Postgres + Redis + the driver's 3 requests cap ours ÷ reference at ~${ceiling.toFixed(2)}`);
  }
}

await runBench(main);
