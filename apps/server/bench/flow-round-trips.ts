// What one authorize → consent → token flow costs the server in storage round trips and CPU (issue 14,
// item 6). Figures only, no pass or fail:
//
//   node bench/flow-round-trips.ts            (FLOWS=500 sequential, then FLOWS × 2 by BENCH_CONNECTIONS browsers)
//
// The server starts as the bench starts it (bench/harness.ts: the `start` script, its own database), but on a
// redis-server of this script's own (spare port, no persistence), so `INFO commandstats` counts this server's
// commands only, and with its Postgres and Redis connections through counting proxies here: a Postgres
// frontend Sync ('S') or simple Query ('Q') ends one round trip, Execute ('E') / Query is one statement; a
// RESP array is one Redis command. Server CPU is utime + stime of its pid from /proc/<pid>/stat over the
// flows (it includes the kernel's work for the server's socket writes).
import { spawn } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { freePort } from '@reminderit/testkit';
import { createClient } from 'redis';
import { cpuMicros } from './cpu-meter.ts';

const FLOWS = Number(process.env.FLOWS ?? 500);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Counts {
  /** Round trips: Postgres Sync / simple Query messages; Redis: reads of the client socket holding a command. */
  roundTrips: number;
  /** Postgres Execute / simple Query messages; Redis commands (top-level RESP arrays). */
  statements: number;
}

/** A TCP proxy on a spare port in front of `target`, feeding what clients send to `count`. */
async function countingProxy(target: URL, defaultPort: number, count: (counts: Counts) => (chunk: Buffer) => void): Promise<{ url: string; counts: Counts }> {
  const counts: Counts = { roundTrips: 0, statements: 0 };
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || defaultPort), target.hostname);
    const onChunk = count(counts);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      onChunk(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  server.unref();
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return { url: url.toString(), counts };
}

/** Postgres frontend messages: Sync ('S') or simple Query ('Q') ends a round trip; Execute ('E') or Query is a statement. */
const countPostgres = (counts: Counts) => {
  let started = false; // the startup message (and an SSL request) have no type byte
  let pending = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (!started) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        const code = pending.readInt32BE(4);
        if (code !== 80877103 && code !== 80877104) started = true; // not SSLRequest / GSSENCRequest
        pending = pending.subarray(length);
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1);
      if (pending.length < 1 + length) return;
      const type = String.fromCharCode(pending[0]!);
      if (type === 'S' || type === 'Q') counts.roundTrips++;
      if (type === 'E' || type === 'Q') counts.statements++;
      pending = pending.subarray(1 + length);
    }
  };
};

/**
 * RESP commands (arrays of bulk strings) sent to Redis. Commands the client writes in one go (node-redis
 * pipelines what is sent in one tick) usually arrive in one read: those reads approximate round trips.
 */
const countRedis = (counts: Counts) => {
  let pending = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    let commands = 0;
    for (;;) {
      const end = parseCommand(pending);
      if (end < 0) break;
      commands++;
      pending = pending.subarray(end);
    }
    counts.statements += commands;
    if (commands > 0) counts.roundTrips++;
  };
};

/** The length of the complete RESP array of bulk strings at the start of `buf`, or -1 if incomplete. */
function parseCommand(buf: Buffer): number {
  const line = (at: number) => {
    const cr = buf.indexOf('\r\n', at);
    return cr < 0 ? undefined : { value: Number(buf.toString('latin1', at + 1, cr)), next: cr + 2 };
  };
  const header = line(0);
  if (!header) return -1;
  let at = header.next;
  for (let i = 0; i < header.value; i++) {
    const bulk = line(at);
    if (!bulk || buf.length < bulk.next + bulk.value + 2) return -1;
    at = bulk.next + bulk.value + 2;
  }
  return at;
}

async function ownRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const c = createClient({ url });
    c.on('error', () => {});
    if (
      await c.connect().then(
        () => true,
        () => false,
      )
    ) {
      await c.close();
      return { url, stop: () => child.kill('SIGTERM') };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

async function commandCount(redis: { info(section: string): Promise<unknown> }): Promise<Map<string, number>> {
  const info = String(await redis.info('commandstats'));
  const counts = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

const redisServer = await ownRedis();
const proxy = await countingProxy(new URL(DATABASE_URL), 5432, countPostgres);
const redisProxy = await countingProxy(new URL(redisServer.url), 6379, countRedis);
process.env.REDIS_URL = redisProxy.url;
process.env.DATABASE_URL = proxy.url;
const { CONNECTIONS, runBench, startServer } = await import('./harness.ts');
const { ourFlow, register, signedInBrowser } = await import('./flow-client.ts');

void runBench(async () => {
  const server = await startServer();
  const redis = createClient({ url: redisServer.url }); // direct: its INFO calls are not counted
  await redis.connect();
  try {
    const clientId = await register(server.base);
    const browsers = await Promise.all(Array.from({ length: CONNECTIONS }, () => signedInBrowser(server.base)));
    for (const b of browsers) await ourFlow(b, clientId); // warm-up: JIT, pools, prepared statements

    const measure = async (name: string, flows: number, concurrency: number) => {
      const pg0 = { ...proxy.counts };
      const kv0 = { ...redisProxy.counts };
      const redis0 = await commandCount(redis);
      const cpu0 = cpuMicros(server.pid);
      const started = performance.now();
      let next = 0;
      await Promise.all(
        browsers.slice(0, concurrency).map(async (b) => {
          while (next++ < flows) await ourFlow(b, clientId);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuMicros(server.pid) - cpu0;
      const redis1 = await commandCount(redis);
      const perCommand = [...redis1]
        .map(([cmd, calls]) => [cmd, calls - (redis0.get(cmd) ?? 0) - (cmd === 'info' ? 1 : 0)] as const)
        .filter(([, calls]) => calls > 0)
        .sort((a, b) => b[1] - a[1]);
      const redisTotal = perCommand.reduce((sum, [, calls]) => sum + calls, 0);
      const per = (n: number) => (n / flows).toFixed(2);
      console.log(
        `\n${name}: ${flows} flows, ${concurrency} at a time, ${(flows / seconds).toFixed(0)} flows/s (load average ${(await import('node:os'))
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
      );
      console.log(`  server CPU         ${(cpu / flows).toFixed(0)} µs per flow`);
      console.log(
        `  Postgres           ${per(proxy.counts.roundTrips - pg0.roundTrips)} round trips, ${per(proxy.counts.statements - pg0.statements)} statements per flow`,
      );
      console.log(
        `  Redis              ${per(redisProxy.counts.statements - kv0.statements)} commands sent in ${per(redisProxy.counts.roundTrips - kv0.roundTrips)} writes per flow`,
      );
      console.log(
        `  Redis executed     ${per(redisTotal)} per flow (INFO commandstats, scripts' inner commands included): ${perCommand.map(([cmd, calls]) => `${cmd} ${per(calls)}`).join(', ')}`,
      );
    };
    await measure('sequential', FLOWS, 1);
    await measure('concurrent', FLOWS * 2, CONNECTIONS);
  } finally {
    await redis.close();
    redisServer.stop();
  }
});
