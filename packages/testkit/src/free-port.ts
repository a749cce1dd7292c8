// A port for a server whose URL must be known before it listens (its PUBLIC_URL). Picked at random below
// Linux's ephemeral range (32768–60999), which outgoing connections and `listen(0)` draw from, so a busy
// test run's own connections cannot take it between this check and the server's listen(); callers still
// retry on EADDRINUSE, since another suite may pick the same port.
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A TCP port on `host` (default 127.0.0.1) that was free a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host}`);
}

/** Whether an error is a listen() that lost the port to someone else (then pick another and retry). */
export function isAddressInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}
