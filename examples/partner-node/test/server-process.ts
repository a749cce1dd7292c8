// Starts the real ReminderIt server (apps/server/src/main.ts) as a child process on a free port, with
// embedded storage (PGlite in a temp dir, in-memory KV) and an env of its own (nothing from the caller's
// shell), waits until it logs that it is up, and stops it again. A server that exits while starting fails
// the suite at once with its output.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningProcess, StartProcessError, startProcess } from '@reminderit/testkit';

const SERVER_DIR = fileURLToPath(new URL('../../../apps/server/', import.meta.url));
// Spec compilation + PGlite migrations: ~5 s alone, much more with every other suite on 2 cores. An early
// exit fails at once; this budget only bounds a server that hangs while starting.
const READY_TIMEOUT_MS = 90_000;

export interface RunningServer {
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startOnce(dataDir: string): Promise<{ baseUrl: string; child: RunningProcess }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // process.execPath: the Node (>= 22.18, type stripping) running these tests.
  const child = await startProcess({
    name: 'ReminderIt server',
    command: process.execPath,
    args: ['src/main.ts'],
    cwd: SERVER_DIR,
    env: { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    ready: /ReminderIt connector auth is up/,
    timeoutMs: READY_TIMEOUT_MS,
  });
  return { baseUrl, child };
}

export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rmt-partner-example-'));
  try {
    let started: Awaited<ReturnType<typeof startOnce>> | undefined;
    for (let attempt = 1; !started; attempt++) {
      try {
        started = await startOnce(dataDir);
      } catch (err) {
        // Another suite took the port between freePort() and listen(): try another one.
        if (!(err instanceof StartProcessError && err.output.includes('EADDRINUSE') && attempt < 3)) throw err;
      }
    }
    const { baseUrl, child } = started;
    return {
      baseUrl,
      output: child.output,
      stop: async () => {
        await child.stop(); // SIGTERM: graceful shutdown in main.ts
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
