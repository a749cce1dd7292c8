// The fault suite's own redis-server and Postgres cluster (initdb under a temp dir) on spare ports: these are
// the ones it stops, freezes (SIGSTOP) and restarts — never the shared services on :5432 / :6379.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pickEnv, type RunningProcess, startProcess } from '@reminderit/testkit';
import { freePort } from '../support/free-port.ts';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface OwnService {
  url: string;
  /** Graceful stop; resolves once the process exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (and data); resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT to the process and all its descendants (Postgres backends included). */
  freeze(): void;
  thaw(): void;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/**
 * `pid` and all its descendants, from /proc. Postgres backends call setsid(), so a process-group signal
 * reaches only the postmaster; freezing the server means stopping every one of them.
 */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** `stopSignal`: how the server shuts down promptly (Postgres: SIGINT = fast shutdown; SIGTERM waits for clients). */
function service(launch: () => Promise<RunningProcess>, url: string, cleanup: () => void, stopSignal: NodeJS.Signals = 'SIGTERM'): OwnService {
  let proc: RunningProcess | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (!proc) return;
    for (const pid of processTree(proc.pid)) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  };
  const self: OwnService = {
    url,
    async start() {
      proc = await launch();
    },
    async stop() {
      if (!proc) return;
      signalGroup('SIGCONT');
      process.kill(proc.pid, stopSignal);
      const force = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await proc.exited;
      clearTimeout(force);
      proc = undefined;
    },
    freeze: () => signalGroup('SIGSTOP'),
    thaw: () => signalGroup('SIGCONT'),
    async dispose() {
      await self.stop();
      cleanup();
    },
  };
  return self;
}

export async function startOwnRedis(): Promise<OwnService> {
  const port = await freePort();
  const redis = service(
    () =>
      startProcess({
        name: 'fault-suite redis-server',
        command: 'redis-server',
        args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        env: pickEnv(['PATH']),
        ready: /Ready to accept connections/,
        timeoutMs: 20_000,
      }),
    `redis://127.0.0.1:${port}`,
    () => {},
  );
  await redis.start();
  return redis;
}

/** A fresh cluster (trust auth, user postgres, db postgres). PostgreSQL refuses to run as root: then as postgres. */
export async function startOwnPostgres(): Promise<OwnService> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rmt-fault-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
  const as = (bin: string, args: string[]) =>
    (asRoot ? [user[0]!, [...user.slice(1), path.join(PG_BIN, bin), ...args]] : [path.join(PG_BIN, bin), args]) as [string, string[]];
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const [initCmd, initArgs] = as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  await run(initCmd, initArgs, { env: pickEnv(['PATH', 'LANG']) });
  const [cmd, args] = as('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'shared_buffers=16MB',
  ]);
  const pg = service(
    () =>
      startProcess({
        name: 'fault-suite postgres',
        command: cmd,
        args,
        env: pickEnv(['PATH', 'LANG']),
        ready: /database system is ready to accept connections/,
        timeoutMs: 30_000,
      }),
    `postgres://postgres@127.0.0.1:${port}/postgres`,
    () => rmSync(dir, { recursive: true, force: true }),
    'SIGINT',
  );
  await pg.start();
  return pg;
}
