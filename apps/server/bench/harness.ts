// What the benchmarks share (bench/run-bench.ts, bench/memory.ts): child processes started and stopped
// together, the server started exactly as `./run start` runs it on a fresh Postgres database and Redis key
// prefix of its own, the autocannon and flow loads, and the server's memory figures from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, pickEnv } from '@reminderit/testkit';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { createClient } from 'redis';
import { Client } from 'undici';
import { bundleServer } from '../bundle.ts';
import { mintApiKeySecret } from '../src/keys/api-key-secret.ts';
import { type CpuShare, startCpuMeter } from './cpu-meter.ts';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** How many times run-bench.ts takes its HTTP and flow figures, interleaved (the ratios are medians). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  tail: string[];
  /** Resolves with the next complete output line (stdout or stderr) that matches `line`. */
  nextLine(line: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const children: Child[] = [];

/**
 * Starts `node <args>` and resolves once its output matches `ready`. Output is drained but only its last
 * lines are kept (the server logs every request; holding all of it would inflate this process).
 */
export function startChild(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    env: { ...pickEnv(['PATH', 'HOME', 'NODE_OPTIONS']), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const watchers = new Set<{ line: RegExp; resolve: (line: string) => void }>();
  const entry: Child = {
    name,
    pid: child.pid!,
    tail: [],
    nextLine: (line, timeoutMs) =>
      new Promise((resolve, reject) => {
        const watcher = {
          line,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`${name}: no output line matching ${line} within ${timeoutMs} ms`));
        }, timeoutMs);
        watchers.add(watcher);
      }),
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
    const partial = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = lines.pop()!; // the rest of an incomplete last line comes with the next chunk
      for (const l of lines) {
        for (const w of watchers) {
          if (w.line.test(l)) {
            watchers.delete(w);
            w.resolve(l);
          }
        }
      }
      entry.tail.push(...lines);
      if (entry.tail.length > 60) entry.tail.splice(0, entry.tail.length - 60);
      if (!isReady && ready.test(entry.tail.join('\n'))) {
        isReady = true;
        resolve(entry);
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.once('exit', (code) => {
      if (!isReady) reject(new Error(`${name} exited (${code}) before it was ready:\n${entry.tail.join('\n')}`));
    });
    setTimeout(() => {
      if (!isReady) reject(new Error(`${name} not ready after 60 s:\n${entry.tail.join('\n')}`));
    }, 60_000).unref();
  });
}

/**
 * The environment assignments and node arguments of the server's `start` script (what `./run start` runs):
 * `[NAME=value …] node <args>`, allocator settings and V8 flags included.
 */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [command, ...args] = words;
  if (command !== 'node') throw new Error(`the start script is not a plain node command: ${scripts.start}`);
  return { env, args };
}

const dbUrl = (name: string) => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

export interface BenchServer extends Child {
  base: string;
  /** The server's own database (for bulk inserts). */
  db: postgres.Sql;
}

const dbName = `bench_${process.pid}_${Date.now()}`;
const kvPrefix = `bench:${process.pid}:${Date.now()}:`;
const admin = postgres(dbUrl('postgres'), { max: 1, onnotice: () => {} });
let benchDb: postgres.Sql | undefined;

/**
 * The server as `./run start` starts it, on a fresh database and Redis prefix, rate limits lifted through
 * configuration (RATE_LIMIT_*_MAX, the variables production uses). `nodeArgs` go before the start script's
 * (bench/memory.ts preloads its probe this way). The script runs the bundle (dist/main.js), built here first
 * from the current src/ as the `build` script builds it.
 */
export async function startServer(nodeArgs: string[] = []): Promise<BenchServer> {
  await bundleServer();
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  benchDb = postgres(dbUrl(dbName), { max: 1, onnotice: () => {} });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const lifted = (name: string) => ({ [`RATE_LIMIT_${name}_MAX`]: '1000000' });
  const start = startCommand();
  const child = await startChild(
    'server',
    [...nodeArgs, ...start.args],
    {
      ...start.env,
      PORT: String(port),
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
  return Object.assign(child, { base, db: benchDb });
}

/**
 * Adds api_keys rows `bulk-<from>` … `bulk-<to>` of the first user. Rows are loaded without the unique index
 * and the index is rebuilt once (the same constraint the migration creates): a sorted build is much faster
 * than a million index insertions.
 */
export async function bulkKeys(server: BenchServer, from: number, to: number): Promise<void> {
  const { db } = server;
  await db.unsafe('ALTER TABLE api_keys DROP CONSTRAINT api_keys_secret_hash_unique');
  await db.unsafe(
    `INSERT INTO api_keys (user_id, label, prefix, secret_hash, scopes, resource)
     SELECT (SELECT id FROM users LIMIT 1), 'bulk', 'rmt_bulk', encode(sha256(('bulk-' || i)::bytea), 'hex'), '["reminders:read"]'::jsonb, $1
     FROM generate_series(${from}, ${to}) AS i`,
    [`${server.base}/mcp`],
  );
  await db.unsafe('ALTER TABLE api_keys ADD CONSTRAINT api_keys_secret_hash_unique UNIQUE (secret_hash)');
  // VACUUM as well as ANALYZE: otherwise the inserted rows set off autovacuum, whose pass over a million rows
  // then competes with the server for the two cores while the next figure is taken.
  await db.unsafe('VACUUM ANALYZE api_keys');
}

export interface Figure {
  rps: number;
  p50: number;
  bad: number;
  /** Each party's CPU per request over the measured run (when the load names its server's pid). */
  cpu?: CpuShare;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  expect: number;
  /** Default SECONDS, after a 1 s warm-up. */
  seconds?: number;
  /** The pid of the process serving `url`: the figure then says what each party spent per request. */
  server?: number;
}

export async function load(opts: LoadOptions): Promise<Figure> {
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
  const meter = opts.server === undefined ? undefined : startCpuMeter(opts.server);
  const r = await run(opts.seconds ?? SECONDS);
  const statuses = r.statusCodeStats as Record<string, { count: number }> | undefined;
  const good = statuses?.[String(opts.expect)]?.count ?? 0;
  return { rps: r.requests.average, p50: r.latency.p50, bad: r.requests.total - good + r.errors + r.timeouts, cpu: meter?.(r.requests.total) };
}

/**
 * The median latency of `opts`' request sent one at a time on one keep-alive connection (`count` of them, after
 * `count / 10` unmeasured), µs: what one request costs end to end without queueing behind others.
 */
export async function sequentialP50(opts: LoadOptions, count = 2000): Promise<number> {
  const client = new Client(new URL(opts.url).origin);
  const { pathname, search } = new URL(opts.url);
  const times: number[] = [];
  try {
    for (let i = -Math.floor(count / 10); i < count; i++) {
      const started = performance.now();
      const res = await client.request({ path: pathname + search, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body });
      await res.body.dump();
      if (res.statusCode !== opts.expect) throw new Error(`${opts.url}: ${res.statusCode}, expected ${opts.expect}`);
      if (i >= 0) times.push((performance.now() - started) * 1000);
    }
  } finally {
    await client.close();
  }
  return medianOf(times).median;
}

/** The median of `values` (the upper one of the middle two for an even count), with all of them in order taken. */
export function medianOf(values: number[]): { median: number; all: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, all: values };
}

/** The round whose rate is the median, as the figure shown (its p50), with every round's unexpected answers. */
export function medianFigure(figures: Figure[]): Figure {
  return { ...medianRound(figures, (f) => f.rps), bad: figures.reduce((sum, f) => sum + f.bad, 0) };
}

/** The round whose `pick` is the median of all rounds'. */
export function medianRound<R>(rounds: R[], pick: (round: R) => number): R {
  const median = medianOf(rounds.map(pick)).median;
  return rounds.find((r) => pick(r) === median) ?? rounds[0]!;
}

/**
 * The requests of the hot-path loads, with `key` (a key of ours): GET /healthz, a keyed REST route that
 * answers 404, MCP tools/list and tools/call, and a well-formed key that is in no row (so no cache can answer
 * it: every request is an index lookup).
 */
export function hotPaths(base: string, key: string, server?: number): Record<'healthz' | 'keyedRoute' | 'toolsList' | 'toolsCall' | 'unknownKey', LoadOptions> {
  const bearer = { authorization: `Bearer ${key}` };
  const mcp = { ...bearer, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
  const rpc = (body: object): LoadOptions => ({
    url: `${base}/mcp`,
    method: 'POST',
    headers: mcp,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...body }),
    expect: 200,
    server,
  });
  return {
    healthz: { url: `${base}/healthz`, expect: 200, server },
    keyedRoute: { url: `${base}/v1/reminders/00000000-0000-4000-8000-000000000000`, headers: bearer, expect: 404, server },
    toolsList: rpc({ method: 'tools/list' }),
    toolsCall: rpc({ method: 'tools/call', params: { name: 'list_reminders', arguments: {} } }),
    unknownKey: { url: `${base}/v1/reminders`, headers: { authorization: `Bearer ${mintApiKeySecret()}` }, expect: 401, server },
  };
}

/**
 * Flows per second with one concurrent driver per browser running `flow` back to back for `seconds`, and, given
 * the serving process's pid, each party's CPU per flow.
 */
export async function flowsPerSecond<B>(
  browsers: B[],
  flow: (b: B) => Promise<unknown>,
  seconds: number,
  server?: number,
): Promise<{ perSecond: number; cpu?: CpuShare }> {
  let done = 0;
  const meter = server === undefined ? undefined : startCpuMeter(server);
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    browsers.map(async (b) => {
      while (performance.now() < until) {
        await flow(b);
        done++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), cpu: meter?.(done) };
}

/** Resident set size now and its peak (VmHWM), MiB. */
export function rssMiB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** Stops every child, drops the database, deletes the Redis prefix. */
export async function cleanUp(): Promise<void> {
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

/** Runs `main`, prints the children's output tails if it fails, always cleans up, exits 0 or 1. */
export async function runBench(main: () => Promise<void>): Promise<never> {
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
}

export { freePort };
