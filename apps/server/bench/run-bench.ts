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
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort, pickEnv } from '@reminderit/testkit';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { createClient } from 'redis';
import { mintApiKeySecret } from '../src/keys/api-key-secret.ts';
import { Browser, ourFlow, referenceFlow, register, signedInBrowser } from './flow-client.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

const dbName = `bench_${process.pid}_${Date.now()}`;
const kvPrefix = `bench:${process.pid}:${Date.now()}:`;
const dbUrl = (name: string) => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

const children: Child[] = [];
const admin = postgres(dbUrl('postgres'), { max: 1, onnotice: () => {} });
let benchDb: postgres.Sql | undefined;

interface Child {
  name: string;
  pid: number;
  tail: string[];
  stop(): Promise<void>;
}

/**
 * Starts `node <script>` and resolves once its output matches `ready`. Output is drained but only its last
 * lines are kept (the server logs every request; holding all of it would inflate this process).
 */
function start(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    env: { ...pickEnv(['PATH', 'HOME', 'NODE_OPTIONS']), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const entry: Child = {
    name,
    pid: child.pid!,
    tail: [],
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  children.push(entry);
  return new Promise((resolve, reject) => {
    let isReady = false;
    const onData = (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n');
      entry.tail.push(...lines);
      if (entry.tail.length > 60) entry.tail.splice(0, entry.tail.length - 60);
      if (!isReady && ready.test(entry.tail.join('\n'))) {
        isReady = true;
        resolve(entry);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!isReady) reject(new Error(`${name} exited (${code}) before it was ready:\n${entry.tail.join('\n')}`));
    });
    setTimeout(() => {
      if (!isReady) reject(new Error(`${name} not ready after 60 s:\n${entry.tail.join('\n')}`));
    }, 60_000).unref();
  });
}

/** The node arguments of the server's `start` script (what `./run start` runs), V8 flags included. */
function startArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`the start script is not a plain node command: ${scripts.start}`);
  return args;
}

interface Figure {
  rps: number;
  p50: number;
  bad: number;
}

async function load(opts: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; expect: number }): Promise<Figure> {
  const run = (duration: number) =>
    autocannon({
      url: opts.url,
      method: opts.method ?? 'GET',
      headers: opts.headers,
      body: opts.body,
      connections: CONNECTIONS,
      duration,
      expectBody: undefined,
    });
  await run(1); // warm-up: JIT, pools, lazily compiled validators
  const r = await run(SECONDS);
  const statuses = r.statusCodeStats as Record<string, { count: number }> | undefined;
  const good = statuses?.[String(opts.expect)]?.count ?? 0;
  return { rps: r.requests.average, p50: r.latency.p50, bad: r.requests.total - good + r.errors + r.timeouts };
}

/** Flows per second with CONNECTIONS browsers running `flow` back to back for `seconds`. */
async function flowsPerSecond(browsers: unknown[], flow: (b: never) => Promise<unknown>, seconds: number): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    browsers.map(async (b) => {
      while (performance.now() < until) {
        await flow(b as never);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function rssMiB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

async function main() {
  const load0 = loadavg();
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  benchDb = postgres(dbUrl(dbName), { max: 1, onnotice: () => {} });

  const [serverPort, barePort, refPort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${serverPort}`;
  const lifted = (name: string) => ({ [`RATE_LIMIT_${name}_MAX`]: '1000000' });
  const server = await start(
    'server',
    startArgs(),
    {
      PORT: String(serverPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DATABASE_URL: dbUrl(dbName),
      REDIS_URL,
      KV_PREFIX: kvPrefix,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      ...lifted('REGISTER'),
      ...lifted('LOGIN'),
      ...lifted('TOKEN'),
      ...lifted('AUTHORIZE'),
    },
    /connector auth is up/,
  );
  await start('bare fastify', ['bench/bare-fastify.ts'], { PORT: String(barePort) }, /listening/);
  await start('sdk reference AS', ['bench/sdk-reference-as.ts'], { PORT: String(refPort) }, /listening/);

  // A user, a client and a key of ours, through the real flow.
  const clientId = await register(base);
  const first = await signedInBrowser(base);
  const key = await ourFlow(first, clientId);
  const bearer = { authorization: `Bearer ${key}` };
  const mcpHeaders = { ...bearer, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

  const rows: { name: string; value: string; ratio: string; target: string; met?: boolean }[] = [];
  const fmt = (f: Figure) => `${Math.round(f.rps).toLocaleString('en')} req/s, p50 ${f.p50} ms${f.bad ? ` (${f.bad} unexpected!)` : ''}`;

  const bare = await load({ url: `http://127.0.0.1:${barePort}/healthz`, expect: 200 });
  rows.push({ name: 'bare Fastify 5 GET /healthz', value: fmt(bare), ratio: '—', target: '—' });
  const healthz = await load({ url: `${base}/healthz`, expect: 200 });
  const r1 = healthz.rps / bare.rps;
  rows.push({ name: 'our GET /healthz', value: fmt(healthz), ratio: `${r1.toFixed(2)} × bare`, target: '≥ 0.5', met: r1 >= 0.5 });
  const bearerRoute = await load({ url: `${base}/v1/reminders/00000000-0000-4000-8000-000000000000`, headers: bearer, expect: 404 });
  const r2 = bearerRoute.rps / healthz.rps;
  rows.push({ name: 'GET /v1/reminders/{unknown}, key', value: fmt(bearerRoute), ratio: `${r2.toFixed(2)} × healthz`, target: '≥ 0.85', met: r2 >= 0.85 });
  const list = await load({
    url: `${base}/mcp`,
    method: 'POST',
    headers: mcpHeaders,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    expect: 200,
  });
  const r3 = list.rps / healthz.rps;
  rows.push({ name: 'POST /mcp tools/list, key', value: fmt(list), ratio: `${r3.toFixed(2)} × healthz`, target: '≥ 0.6', met: r3 >= 0.6 });
  const call = await load({
    url: `${base}/mcp`,
    method: 'POST',
    headers: mcpHeaders,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_reminders', arguments: {} } }),
    expect: 200,
  });
  rows.push({ name: 'POST /mcp tools/call list_reminders, key', value: fmt(call), ratio: `${(call.rps / healthz.rps).toFixed(2)} × healthz`, target: '—' });

  // Flows: CONNECTIONS browsers each, signed in once (ours) — the flow is authorize → consent → token.
  const ours = await Promise.all(Array.from({ length: CONNECTIONS }, () => signedInBrowser(base)));
  await flowsPerSecond(ours, (b: { browser: Browser; csrf: string }) => ourFlow(b, clientId), 1);
  const ourFlows = await flowsPerSecond(ours, (b: { browser: Browser; csrf: string }) => ourFlow(b, clientId), SECONDS);
  const refBase = `http://127.0.0.1:${refPort}`;
  const refClient = await register(refBase);
  const refs = Array.from({ length: CONNECTIONS }, () => new Browser(refBase));
  await flowsPerSecond(refs, (b: Browser) => referenceFlow(b, refClient), 1);
  const refFlows = await flowsPerSecond(refs, (b: Browser) => referenceFlow(b, refClient), SECONDS);
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
  const unknownKey = { url: `${base}/v1/reminders`, headers: { authorization: `Bearer ${mintApiKeySecret()}` }, expect: 401 };
  // Rows are loaded without the unique index and the index is rebuilt once (the same constraint the
  // migration creates): a sorted build is much faster than a million index insertions.
  const bulk = async (from: number, to: number) => {
    await benchDb!.unsafe('ALTER TABLE api_keys DROP CONSTRAINT api_keys_secret_hash_unique');
    await benchDb!.unsafe(
      `INSERT INTO api_keys (user_id, label, prefix, secret_hash, scopes, resource)
       SELECT (SELECT id FROM users LIMIT 1), 'bulk', 'rmt_bulk', encode(sha256(('bulk-' || i)::bytea), 'hex'), '["reminders:read"]'::jsonb, $1
       FROM generate_series(${from}, ${to}) AS i`,
      [`${base}/mcp`],
    );
    await benchDb!.unsafe('ALTER TABLE api_keys ADD CONSTRAINT api_keys_secret_hash_unique UNIQUE (secret_hash)');
    await benchDb!.unsafe('ANALYZE api_keys');
  };
  await bulk(1, 1000);
  const k1 = await load(unknownKey);
  const bulkStarted = performance.now();
  await bulk(1001, 1_000_000);
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;
  const k1m = await load(unknownKey);
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

async function cleanUp() {
  await Promise.allSettled(children.map((c) => c.stop()));
  await benchDb?.end().catch(() => {});
  await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((err: unknown) => console.error('drop database:', err));
  await admin.end().catch(() => {});
  const redis = createClient({ url: REDIS_URL });
  await redis.connect().catch(() => undefined);
  if (redis.isOpen) {
    for await (const keys of redis.scanIterator({ MATCH: `${kvPrefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
    await redis.close();
  }
}

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.error('bench failed:', err);
  for (const c of children) console.error(`--- ${c.name} output (tail) ---\n${c.tail.join('\n')}`);
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
