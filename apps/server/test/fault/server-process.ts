// `node src/main.ts` as a child process on a spare port (testkit's startProcess: ready once /readyz answers 200).
import { fileURLToPath } from 'node:url';
import { pickEnv, type RunningProcess, startProcess } from '@reminderit/testkit';
import { freePort } from '../support/free-port.ts';

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));

export async function startServerProcess(env: Record<string, string>): Promise<{ server: RunningProcess; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    name: 'ReminderIt server',
    command: process.execPath,
    args: ['src/main.ts'],
    cwd: SERVER_DIR,
    env: { ...pickEnv(['PATH']), ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl },
    ready: new URL(`${baseUrl}/readyz`),
    timeoutMs: 120_000,
  });
  return { server, baseUrl };
}

/** POST a JSON body. */
export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
