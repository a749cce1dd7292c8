// startProcess against real children (this Node running small inline scripts): ready on a printed line or a URL,
// an early exit reported at once with the child's output and code, a timeout reported with the output, stop()
// reaching the whole process group, and an env that is exactly the one passed.
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { pickEnv, StartProcessError, startProcess } from '../src/start-process.ts';
import { waitFor } from '../src/wait-for.ts';

const node = (script: string) => ({ command: process.execPath, args: ['-e', script], env: {} });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startProcess', () => {
  it('resolves when the child prints the ready line, with the match and its output', async () => {
    const child = await startProcess({
      ...node(`console.log('warming up'); setTimeout(() => console.log('listening on http://127.0.0.1:4321'), 200); setInterval(() => {}, 1000);`),
      ready: /listening on (http:\S+)/,
    });
    try {
      expect(child.match?.[1]).toBe('http://127.0.0.1:4321');
      expect(child.output()).toContain('warming up');
    } finally {
      expect(await child.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    }
    expect(alive(child.pid)).toBe(false);
  });

  it('resolves when the URL answers 2xx', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`;
    server.close(); // the child listens on that port after a moment
    const child = await startProcess({
      ...node(`setTimeout(() => require('node:http').createServer((q, s) => s.end('up')).listen(${new URL(url).port}, '127.0.0.1'), 300);`),
      ready: url,
    });
    try {
      expect(child.url).toBe(url);
      expect(await (await fetch(url)).text()).toBe('up');
    } finally {
      await child.stop();
    }
  });

  it('rejects at once when the child exits early, with its exit code and the tail of its output', async () => {
    const started = Date.now();
    const failure = await startProcess({
      ...node(`console.log('opening storage'); console.error('EADDRINUSE: port taken'); process.exit(3);`),
      ready: /listening/,
      timeoutMs: 60_000,
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StartProcessError);
    const err = failure as StartProcessError;
    expect(err.message).toMatch(/exited before it was ready \(exit code 3\)/);
    expect(err.message).toContain('opening storage');
    expect(err.message).toContain('EADDRINUSE: port taken');
    expect(err.exit).toEqual({ code: 3, signal: null });
    expect(Date.now() - started).toBeLessThan(30_000); // not the 60 s budget
  });

  it('rejects when the command cannot be started at all', async () => {
    await expect(startProcess({ command: '/nonexistent/binary', env: {}, ready: /x/ })).rejects.toThrow(/could not be started: .*ENOENT/);
  });

  it('rejects on timeout with the output so far and stops the child and its children', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log('grandchild ' + grandchild.pid);
      console.log('still starting…');
      setInterval(() => {}, 1000);`;
    const failure = (await startProcess({ ...node(script), ready: /never printed/, timeoutMs: 1_500 }).catch((e: unknown) => e)) as StartProcessError;
    expect(failure).toBeInstanceOf(StartProcessError);
    expect(failure.message).toMatch(/was not ready after 1500 ms \(waiting for \/never printed\/ in its output\)/);
    expect(failure.message).toContain('still starting…');
    expect(failure.exit?.signal).toBe('SIGTERM');
    const grandchild = Number(/grandchild (\d+)/.exec(failure.output)?.[1]);
    await waitFor(() => !alive(grandchild), { timeoutMs: 5_000, what: 'the grandchild to be gone' });
  });

  it('gives the child exactly the env passed, nothing from the caller', async () => {
    process.env.RMT_TESTKIT_LEAK = 'from the caller';
    try {
      const child = await startProcess({
        command: process.execPath,
        args: ['-e', `console.log('env ' + JSON.stringify(process.env))`],
        env: { PORT: '4000', ...pickEnv(['RMT_TESTKIT_UNSET']) },
        ready: /^env (.*)$/m,
      });
      await child.exited;
      expect(JSON.parse(child.match![1]!)).toEqual({ PORT: '4000' });
    } finally {
      delete process.env.RMT_TESTKIT_LEAK;
    }
  });

  it('serves children that run to completion: exited settles with their code', async () => {
    const child = await startProcess({ ...node(`console.log('done'); process.exitCode = 0;`), ready: /^done$/m });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(await child.stop()).toEqual({ code: 0, signal: null });
  });
});
