// `./run --filter @reminderit/server exec node bench/memory.ts`: where the server's memory goes under the
// hot-path loads of `./run bench` (issue 14: peak RSS < 150 MiB). The server is started exactly as the bench
// starts it (the `start` script, Postgres + Redis, bench/harness.ts) with bench/memory-probe.js preloaded, and
// after start and after each load phase this prints its RSS, its peak RSS (VmHWM) and, from the probe, V8's
// heap (used / committed) and memory outside it (external: Buffers and other native allocations V8 is told of).
//
//   MEMORY_SECONDS=3           seconds of each load phase (after a 1 s warm-up)
//   MEMORY_NODE_ARGS='--trace-gc'   more node flags for the server, before the start script's
//   BENCH_CONNECTIONS=32       concurrent connections (and browsers in the flow phase)
import { ourFlow, register, signedInBrowser } from './flow-client.ts';
import { type BenchServer, bulkKeys, CONNECTIONS, flowsPerSecond, hotPaths, load, rssMiB, runBench, startServer } from './harness.ts';

const SECONDS = Number(process.env.MEMORY_SECONDS ?? 3);
const EXTRA_ARGS = (process.env.MEMORY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const PROBE = /^memory-probe (\{.*\})$/;

interface Probe {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Signals the probe and waits for its line (behind any log lines the server still has to write). */
async function probe(server: BenchServer): Promise<Probe> {
  const line = server.nextLine(PROBE, 30_000);
  process.kill(server.pid, 'SIGUSR2');
  return JSON.parse(PROBE.exec(await line)![1]!) as Probe;
}

async function main() {
  const server = await startServer(['--import', './bench/memory-probe.js', ...EXTRA_ARGS]);
  const mib = (bytes: number) => (bytes / 1048576).toFixed(0).padStart(5);
  console.log(`server memory, MiB (${CONNECTIONS} connections, ${SECONDS} s per phase)\n`);
  console.log('| phase                         |   RSS | VmHWM | heap used | heap committed | external | arrayBuffers | rate (req/s, flows/s) |');
  console.log('|-------------------------------|-------|-------|-----------|----------------|----------|--------------|-----------------------|');
  /** `f`: the load's figure; its unexpected answers (e.g. 503 while a shared Postgres is slow) are shown, not fatal. */
  const row = async (phase: string, f?: { rps: number; bad?: number }) => {
    const p = await probe(server);
    const { now, peak } = rssMiB(server.pid);
    console.log(
      `| ${phase.padEnd(29)} | ${now.toFixed(0).padStart(5)} | ${peak.toFixed(0).padStart(5)} | ${mib(p.heapUsed).padStart(9)} | ${mib(p.heapTotal).padStart(14)} | ${mib(p.external).padStart(8)} | ${mib(p.arrayBuffers).padStart(12)} | ${(f === undefined ? '' : `${Math.round(f.rps).toLocaleString('en')}${f.bad ? ` (${f.bad} bad)` : ''}`).padStart(21)} |`,
    );
  };
  await row('after start');

  const clientId = await register(server.base);
  const key = await ourFlow(await signedInBrowser(server.base), clientId);
  const paths = hotPaths(server.base, key);
  await row('after one flow');
  const phases = [
    ['GET /healthz', paths.healthz],
    ['GET /v1/reminders/{id}, key', paths.keyedRoute],
    ['MCP tools/list', paths.toolsList],
    ['MCP tools/call', paths.toolsCall],
  ] as const;
  for (const [name, target] of phases) {
    await row(name, await load({ ...target, seconds: SECONDS }));
  }
  const signInStart = performance.now();
  const browsers = await Promise.all(Array.from({ length: CONNECTIONS }, () => signedInBrowser(server.base)));
  await row(`${CONNECTIONS} browsers signed in`, { rps: CONNECTIONS / ((performance.now() - signInStart) / 1000) });
  await row('authorize → consent → token', { rps: (await flowsPerSecond(browsers, (b) => ourFlow(b, clientId), SECONDS + 1)).perSecond });
  await bulkKeys(server, 1, 1_000_000);
  await row('unknown key, 1 M keys', await load({ ...paths.unknownKey, seconds: SECONDS }));
  await new Promise((r) => setTimeout(r, 5000));
  await row('idle 5 s');
}

await runBench(main);
