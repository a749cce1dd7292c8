// bench/cpu-meter.ts: the bench's "CPU by process" table reads these figures, so they must be each party's
// own CPU time, divided by the units of work.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuMicros, startCpuMeter, totalCpu } from '../bench/cpu-meter.ts';

/** Spins until this process has used `ms` of CPU time. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

describe('cpu meter', () => {
  it("attributes the server's and the load generator's CPU time, per unit", async () => {
    // A stand-in server: spins for 300 ms of its own CPU time, says so, and stays alive until told to exit.
    const child = spawn(
      process.execPath,
      ['-e', `const s=process.cpuUsage();for(;;){const u=process.cpuUsage(s);if(u.user+u.system>=300000)break}console.log('done');process.stdin.resume()`],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await once(child, 'spawn');
      const meter = startCpuMeter(child.pid!);
      burn(60);
      await once(child.stdout!, 'data');
      const perTwo = meter(2);
      // /proc counts in 10 ms ticks; the child's start-up comes on top of its 300 ms.
      expect(perTwo.server * 2).toBeGreaterThanOrEqual(280_000);
      expect(perTwo.server * 2).toBeLessThan(2_000_000);
      expect(perTwo.driver * 2).toBeGreaterThanOrEqual(60_000);
      expect(perTwo.postgres).toBeGreaterThanOrEqual(0);
      expect(perTwo.redis).toBeGreaterThanOrEqual(0);
      expect(totalCpu(perTwo)).toBeCloseTo(perTwo.server + perTwo.postgres + perTwo.redis + perTwo.driver);
    } finally {
      child.kill();
      await once(child, 'exit').catch(() => {});
    }
  });

  it('reads an exited process as 0', () => {
    expect(cpuMicros(2 ** 22 + 1)).toBe(0); // above pid_max's default ceiling: never a live process
  });
});
