// The real ReminderIt server (apps/server/src/main.ts) as a child process on a free port, for suites that need a
// whole process (fault tests that kill its storage, the partner example that talks to it over HTTP). Ready once
// GET /readyz answers 2xx (its database and KV answer), never after a fixed sleep. PORT, HOST and PUBLIC_URL are
// set here; everything else comes from `env` alone (startProcess inherits nothing from the caller's shell).
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { type RunningProcess, StartProcessError, startProcess } from './start-process.ts';

const SERVER_DIR = fileURLToPath(new URL('../../../apps/server/', import.meta.url));
// Spec compilation + PGlite migrations: ~5 s alone, much more with every other suite on 2 cores. An early exit
// fails at once; this budget only bounds a server that hangs while starting.
const READY_TIMEOUT_MS = 90_000;
/** Another suite may take the port between freePort() and listen(): that many ports are tried. */
const PORT_ATTEMPTS = 3;

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, also the server's PUBLIC_URL. */
  baseUrl: string;
  child: RunningProcess;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      const child = await startProcess({
        name: 'ReminderIt server',
        command: process.execPath, // the Node (>= 22.18, type stripping) running these tests
        args: ['src/main.ts'],
        cwd: SERVER_DIR,
        env: { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl },
        ready: new URL(`${baseUrl}/readyz`),
        timeoutMs: READY_TIMEOUT_MS,
      });
      return { baseUrl, child };
    } catch (err) {
      if (!(err instanceof StartProcessError && err.output.includes('EADDRINUSE') && attempt < PORT_ATTEMPTS)) throw err;
    }
  }
}
