// Embedded storage survives a crash: a server process on PGlite killed with SIGKILL mid-life starts again
// on the same data directory, with what it had committed.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pickEnv, startServer } from '@reminderit/testkit';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'rmt-fault-pglite-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = () => startServer({ ...pickEnv(['PATH']), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('a server on PGlite killed with SIGKILL restarts on its data directory with its committed data', { timeout: 300_000 }, async () => {
  const credentials = { email: `crash-${randomUUID()}@example.com`, password: 'correct horse battery staple' };
  const first = await start();
  try {
    const signup = await postJson(`${first.baseUrl}/api/auth/signup`, credentials);
    expect(signup.status).toBe(201);
  } finally {
    process.kill(-first.child.pid, 'SIGKILL');
    await first.child.exited;
  }

  const second = await start();
  try {
    const login = await postJson(`${second.baseUrl}/api/auth/login`, credentials);
    expect(login.status).toBe(200);
    expect((await fetch(`${second.baseUrl}/readyz`)).status).toBe(200);
  } finally {
    await second.child.stop(5_000);
  }
});
