import { describe, expect, it } from 'vitest';
import { slots } from '../src/accounts/argon2-slots.ts';

/** A task that records when it starts and finishes only when released. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const task = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { release, task };
}

describe('argon2 slots', () => {
  it('runs at most `size` tasks at once and starts the waiting ones in arrival order', async () => {
    const log: string[] = [];
    const s = slots(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(log, n)) as [
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
    ];
    const results = [a, b, c, d].map((g) => s.run(g.task));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start a', 'start b']);
    b.release();
    await results[1];
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a.release();
    await results[0];
    await new Promise((r) => setImmediate(r));
    expect(log.slice(4)).toEqual(['end a', 'start d']);
    c.release();
    d.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('frees the slot when a task rejects', async () => {
    const s = slots(1);
    await expect(s.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await s.run(async () => 'next')).toBe('next');
  });
});
