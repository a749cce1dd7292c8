import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { flushLoggerSync } from '../src/log.ts';
import { useTestApp } from './support/test-app.ts';

describe('request log lines', () => {
  const t = useTestApp();

  it('writes one line per request: method, path without the query, status, time; no headers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/authorize?client_id=unknown&state=secret-state',
      headers: { authorization: 'Bearer rmt_secret', cookie: 'rmt_session=s' },
    });
    await expect.poll(() => t.logs()).toContain('request completed');
    const lines = t
      .logs()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/authorize', statusCode: res.statusCode, reqId: expect.any(String) });
    expect(lines[0]!.responseTime).toEqual(expect.any(Number));
    expect(t.logs()).not.toMatch(/secret-state|rmt_secret|rmt_session/);
  });
});

describe('flushLoggerSync', () => {
  it('writes what the asynchronous destination still buffers before the call returns', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rmt-log-')), 'out.log');
    const dest = pino.destination({ dest: file, sync: false, minLength: 8 * 1024 });
    await new Promise((resolve) => dest.once('ready', resolve));
    const logger = pino({}, dest);
    logger.error('shutdown budget exceeded; exiting');
    expect(readFileSync(file, 'utf8')).toBe(''); // still in the buffer (under minLength)
    flushLoggerSync(logger);
    expect(readFileSync(file, 'utf8')).toContain('shutdown budget exceeded');
  });
});
