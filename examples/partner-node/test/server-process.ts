// Starts the real ReminderIt server as a child process (testkit's startServer: a free port, ready once /readyz
// answers) with embedded storage in a temp dir of its own (PGlite, in-memory KV) and an env of its own (nothing
// from the caller's shell), and stops it again. A server that exits while starting fails the suite at once
// with its output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer as startServerProcess } from '@reminderit/testkit';

export interface RunningServer {
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rmt-partner-example-'));
  try {
    const { baseUrl, child } = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
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
