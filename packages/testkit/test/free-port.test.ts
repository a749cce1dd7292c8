import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isAddressInUse } from '../src/free-port.ts';

describe('freePort', () => {
  it('returns a port below the ephemeral range that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('recognises the error of a listen() on a taken port', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const err = await new Promise((resolve) => createServer().once('error', resolve).listen(port, '127.0.0.1'));
    await new Promise((resolve) => taken.close(resolve));
    expect(isAddressInUse(err)).toBe(true);
    expect(isAddressInUse(new Error('other'))).toBe(false);
  });
});
