// Starts a child process for a test and waits on the child's own readiness — a line it prints (its URL, "listening")
// or a URL that starts answering — instead of a fixed sleep. If the child exits first, the promise rejects at once
// with its exit code and the tail of its output; on timeout it rejects with the output too and the child is stopped.
// The child gets exactly the env passed (nothing from the caller's shell) and runs in its own process group, which
// stop() terminates as a whole.
import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './wait-for.ts';

export interface StartProcessOptions {
  command: string;
  args?: string[];
  /** The child's whole environment. Nothing is inherited: pass what the child needs (see `pickEnv`). */
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Ready when stdout or stderr matches this pattern, or when this URL answers with a 2xx status. */
  ready: RegExp | URL | string;
  /** Give up (and stop the child) after this long; default 60 s. Early exits fail at once regardless. */
  timeoutMs?: number;
  /** Shown in errors; default the command and its arguments. */
  name?: string;
  /** How many trailing output lines an error shows; default 60. */
  tailLines?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  pid: number;
  /** When `ready` is a pattern: its match in the output. */
  match: RegExpMatchArray | undefined;
  /** When `ready` is a URL: that URL. */
  url: string | undefined;
  /** Everything the child wrote to stdout and stderr so far, interleaved as received. */
  output(): string;
  /** Settles when the child exits (for processes that run to completion). */
  exited: Promise<ProcessExit>;
  /** SIGTERM to the child's process group, SIGKILL after `graceMs` (default 10 s); resolves once it exited. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export class StartProcessError extends Error {
  readonly exit: ProcessExit | undefined;
  readonly output: string;
  constructor(message: string, exit: ProcessExit | undefined, output: string) {
    super(message);
    this.name = 'StartProcessError';
    this.exit = exit;
    this.output = output;
  }
}

/** The named variables of the caller's environment that are set (e.g. PATH for a child that spawns by name). */
export function pickEnv(names: readonly string[], from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = from[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

// Children still running when the test process exits are killed with their groups (a crashed suite leaves no server).
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess) {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  const shown = all.slice(-lines).join('\n');
  if (shown === '') return '(no output)';
  return all.length > lines ? `… ${all.length - lines} earlier lines …\n${shown}` : shown;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

export async function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const { command, args = [], timeoutMs = 60_000, tailLines = 60 } = options;
  const name = options.name ?? [command, ...args].join(' ');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches whatever it spawned too
  });
  track(child);

  let output = '';
  let exit: ProcessExit | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      exit ??= { code, signal };
      live.delete(child);
      resolve(exit);
    };
    child.once('close', done);
    child.once('error', (err) => {
      spawnError = err;
      if (child.pid === undefined) done(null, null); // never started: there will be no exit
    });
  });
  const onOutput = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of onOutput) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  const stop = async (graceMs = 10_000): Promise<ProcessExit> => {
    if (exit) return exit;
    killGroup(child, 'SIGTERM');
    const force = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(force);
    }
  };
  const fail = async (why: string): Promise<never> => {
    await stop(2_000);
    throw new StartProcessError(`${name} ${why}\n--- its output ---\n${tail(output, tailLines)}`, exit, output);
  };

  const earlyExit = exited.then(() => 'exited' as const);

  let match: RegExpMatchArray | undefined;
  let url: string | undefined;
  let readiness: Promise<'ready'>;
  let stopWaiting = () => {};
  if (options.ready instanceof RegExp) {
    const pattern = new RegExp(options.ready.source, options.ready.flags.replace(/[gy]/g, ''));
    readiness = new Promise<'ready'>((resolve) => {
      const check = () => {
        const m = output.match(pattern);
        if (!m) return;
        match = m;
        onOutput.delete(check);
        resolve('ready');
      };
      onOutput.add(check);
      stopWaiting = () => onOutput.delete(check);
      check();
    });
  } else {
    const target = String(options.ready);
    let cancelled = false;
    stopWaiting = () => {
      cancelled = true;
    };
    readiness = waitFor(
      async () => {
        const res = await fetch(target, { signal: AbortSignal.timeout(5_000) });
        await res.body?.cancel();
        return res.ok;
      },
      { timeoutMs: timeoutMs + 60_000, intervalMs: 100, what: target, abort: () => (cancelled || exit ? 'stopped' : undefined) },
    ).then(
      () => {
        url = target;
        return 'ready' as const;
      },
      () => new Promise<never>(() => {}), // the exit or the timeout below reports it
    );
  }

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([readiness, earlyExit, timeout]);
  clearTimeout(timer);
  stopWaiting();

  if (outcome === 'exited') {
    if (spawnError) return fail(`could not be started: ${spawnError.message}`);
    return fail(`exited before it was ready (${describeExit(exit!)})`);
  }
  if (outcome === 'timeout') {
    const waitingFor = options.ready instanceof RegExp ? `${options.ready} in its output` : `${String(options.ready)} to answer 2xx`;
    return fail(`was not ready after ${timeoutMs} ms (waiting for ${waitingFor})`);
  }
  return { pid: child.pid!, match, url, output: () => output, exited, stop };
}
