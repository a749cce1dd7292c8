import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/wait-for.ts';

describe('waitFor', () => {
  it('resolves with the first value the probe yields, retrying through falsy results and errors', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return calls >= 3 ? { calls } : false;
      },
      { intervalMs: 5 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('rejects after the timeout naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 100, intervalMs: 10, what: 'the server' },
      ),
    ).rejects.toThrow(/timed out after 100 ms waiting for the server \(last error: connection refused\)/);
  });

  it('stops at once when abort says so', async () => {
    await expect(waitFor(() => false, { timeoutMs: 60_000, abort: () => 'the child exited' })).rejects.toThrow(
      /gave up waiting for condition: the child exited/,
    );
  });
});
