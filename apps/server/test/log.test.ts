import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, flushLogger, flushLoggerSync, lazyChildLogger, OneLinePerRequest } from '../src/log.ts';
import { BatchedDestination, LOG_BATCH_BYTES } from '../src/log-stream.ts';
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

/** A Fastify app logging as buildApp's does, into memory. */
async function loggingApp(level = 'info') {
  let captured = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      captured += chunk.toString();
      done();
    },
  });
  const logger = createLogger(level, sink);
  const app = Fastify({ loggerInstance: logger, logController: new OneLinePerRequest(logger), childLoggerFactory: lazyChildLogger });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/chatty', async (req) => {
    req.log.info({ step: 1 }, 'handler says');
    return { ok: true };
  });
  await app.ready();
  const lines = () =>
    captured
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, logger, lines };
}

describe('the request line and the per-request logger', () => {
  it('is the line pino itself writes for logger.child({ reqId }).info(fields, msg), key for key and in order', async () => {
    const { app, logger, lines } = await loggingApp();
    await app.inject({ method: 'GET', url: '/quiet?code=secret', remoteAddress: '203.0.113.9' });
    const [ours] = lines().filter((l) => l.msg === 'request completed');
    let pinoLine = '';
    const reference = pino(
      {},
      new Writable({
        write(chunk: Buffer, _enc, done) {
          pinoLine += chunk.toString();
          done();
        },
      }),
    );
    const { level, time, pid, hostname, reqId, method, path, ip, statusCode, responseTime } = ours!;
    reference.child({ reqId }).info({ method, path, ip, statusCode, responseTime }, 'request completed');
    const expected = JSON.parse(pinoLine) as Record<string, unknown>;
    expect(Object.keys(ours!)).toEqual(Object.keys(expected));
    expect({ ...ours, time: 0 }).toEqual({ ...expected, time: 0 });
    expect({ level, pid, hostname, method, path, ip, statusCode }).toEqual({
      level: 30,
      pid: process.pid,
      hostname: expect.any(String),
      method: 'GET',
      path: '/quiet',
      ip: '203.0.113.9',
      statusCode: 200,
    });
    expect(time).toEqual(expect.any(Number));
    expect(responseTime).toEqual(expect.any(Number));
    await app.close();
    void logger;
  });

  it('stays valid JSON, as pino renders it, without a client address or with a non-finite time', () => {
    let captured = '';
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          captured += chunk.toString();
          done();
        },
      }),
    );
    const request = { id: 'req-9', method: 'GET', url: '/healthz?x=1', ip: undefined } as never;
    const reply = { statusCode: 200, elapsedTime: Number.NaN } as never;
    new OneLinePerRequest(logger).requestCompleted(null, request, reply);
    const line = JSON.parse(captured) as Record<string, unknown>;
    expect(line).toMatchObject({ reqId: 'req-9', method: 'GET', path: '/healthz', statusCode: 200, responseTime: null, msg: 'request completed' });
    expect('ip' in line).toBe(false);
  });

  it('builds no child logger for a request that logs nothing else, and a working one for a handler that logs', async () => {
    const { app, logger, lines } = await loggingApp();
    const child = vi.spyOn(logger, 'child');
    await app.inject({ method: 'GET', url: '/quiet' });
    expect(child).not.toHaveBeenCalled();
    await app.inject({ method: 'GET', url: '/chatty' });
    expect(child).toHaveBeenCalledTimes(1);
    const said = lines().find((l) => l.msg === 'handler says');
    const done = lines().filter((l) => l.msg === 'request completed');
    expect(said).toMatchObject({ step: 1, reqId: done[1]!.reqId });
    await app.close();
  });

  it("hands every call to a parent logger that is not pino's (no isLevelEnabled)", () => {
    const calls: unknown[][] = [];
    const plain = {
      level: 'info',
      fatal: () => {},
      error: () => {},
      warn: (...args: unknown[]) => calls.push(['warn', ...args]),
      info: () => {},
      debug: () => {},
      trace: () => {},
      silent: () => {},
      child: (bindings: object) => ({ ...plain, warn: (...args: unknown[]) => calls.push(['child warn', bindings, ...args]) }),
    };
    const log = lazyChildLogger.call(undefined, plain as never, { reqId: 'r1' }, {});
    log.warn({ a: 1 }, 'careful');
    expect(calls).toEqual([['child warn', { reqId: 'r1' }, { a: 1 }, 'careful']]);
  });

  it('writes nothing below the level and still answers (LOG_LEVEL=warn)', async () => {
    const { app, lines } = await loggingApp('warn');
    expect((await app.inject({ method: 'GET', url: '/chatty' })).statusCode).toBe(200);
    expect(lines()).toEqual([]);
    await app.close();
  });
});

describe('BatchedDestination (stdout without a stream)', () => {
  const target = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rmt-log-')), 'out.log');
    const fd = openSync(file, 'w');
    return { file, fd, read: () => readFileSync(file, 'utf8') };
  };

  it('holds short lines, writes them in order once the batch is full, and flush(cb) writes the rest', async () => {
    const { fd, read } = target();
    const dest = new BatchedDestination(fd);
    const logger = pino({}, dest);
    logger.info('first');
    expect(read()).toBe('');
    const filler = 'x'.repeat(200);
    const count = Math.ceil(LOG_BATCH_BYTES / 200) + 5;
    for (let i = 0; i < count; i++) logger.info({ i }, filler);
    await expect.poll(read).toContain('"i":0,');
    await flushLogger(logger);
    const written = read()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; i?: number });
    expect(written.map((l) => l.i ?? l.msg)).toEqual(['first', ...Array.from({ length: count }, (_, i) => i)]);
    closeSync(fd);
  });

  it('writes a lone line within LOG_FLUSH_MS without any flush', async () => {
    const { fd, read } = target();
    pino({}, new BatchedDestination(fd)).warn('lonely');
    await expect.poll(read, { timeout: 2000 }).toContain('lonely');
    closeSync(fd);
  });

  it('flushLoggerSync writes what it still holds before the call returns', () => {
    const { fd, read } = target();
    const logger = pino({}, new BatchedDestination(fd));
    logger.error('shutdown budget exceeded; exiting');
    expect(read()).toBe('');
    flushLoggerSync(logger);
    expect(read()).toContain('shutdown budget exceeded');
    closeSync(fd);
  });
});
