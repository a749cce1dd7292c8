// Logs never carry secrets: API keys, codes, passwords, session ids and Authorization headers are either
// never logged (bodies and query strings are not) or redacted (headers).
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, pino } from 'pino';
import { BatchedDestination } from './log-stream.ts';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

interface LoggedRequest {
  method: string;
  url: string;
  id: string;
  ip?: string;
}

/** Path only: query strings may carry state, codes or tokens. */
const pathOf = (url: string) => url.split('?', 1)[0];

/**
 * Without a stream: stdout through an asynchronous batching destination (log-stream.ts) — a request never
 * waits for the pipe, and under load one write carries dozens of lines instead of one each. A line waits at
 * most LOG_FLUSH_MS; `flushLogger` writes what is left before the process exits.
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: pathOf(req.url), ip: req.ip }),
      },
    },
    stream ?? new BatchedDestination(1),
  );
  ours.add(logger);
  return logger;
}

/** Loggers made by createLogger: their options are known, so writeRequestLine can write their line itself. */
const ours = new WeakSet<object>();

const { chindingsSym, lsCacheSym, streamSym, timeSym } = pino.symbols;
type PinoInternals = Record<symbol, unknown> & { isLevelEnabled(level: string): boolean };

/**
 * The "request completed" line, exactly as pino writes `logger.child({ reqId }).info(fields, msg)` for a
 * logger of createLogger (level label, time, its bindings, the request id, the fields, the message): fields
 * are flat strings and numbers, so there is nothing to serialize or redact, and no per-request child logger
 * is built for it (lazyChildLogger). Any other logger gets the call itself.
 */
function writeRequestLine(logger: FastifyBaseLogger, request: FastifyRequest, reply: FastifyReply): void {
  const root = logger as unknown as PinoInternals;
  const fields = {
    method: request.method,
    path: pathOf(request.url),
    ip: request.ip,
    statusCode: reply.statusCode,
    responseTime: reply.elapsedTime,
  };
  if (!ours.has(root)) {
    reply.log.info(fields, 'request completed');
    return;
  }
  if (!root.isLevelEnabled('info')) return;
  const level = (root[lsCacheSym] as Record<number, string>)[30];
  const time = (root[timeSym] as () => string)();
  // As JSON.stringify would: a missing address (a socket already gone) leaves the key out, a non-finite time is null.
  const ip = fields.ip === undefined ? '' : `,"ip":${JSON.stringify(fields.ip)}`;
  const took = Number.isFinite(fields.responseTime) ? fields.responseTime : null;
  const line =
    `${level}${time}${root[chindingsSym] as string},"reqId":${JSON.stringify(request.id)},"method":${JSON.stringify(fields.method)}` +
    `,"path":${JSON.stringify(fields.path)}${ip},"statusCode":${fields.statusCode},"responseTime":${took},"msg":"request completed"}\n`;
  (root[streamSym] as DestinationStream).write(line);
}

/**
 * Fastify's childLoggerFactory: the request's logger (`request.log`) is built on its first use. Most requests
 * log nothing but their completion line (writeRequestLine), so most never build one (pino's child() was ~1 %
 * of a request).
 */
export function lazyChildLogger(this: unknown, logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChild(logger, bindings, opts);
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/** A class, not an object literal with accessors: one is made per request, and that must cost next to nothing. */
class LazyChild implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #opts: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = opts;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#opts);
    return this.#child;
  }

  /**
   * A call at a level the parent drops builds nothing (a child with its own level is built first). A parent
   * that cannot say (a FastifyBaseLogger that is not pino's) gets every call.
   */
  #at(level: Level, args: LogArgs): void {
    if (this.#child === undefined && this.#opts.level === undefined && (this.#parent as Partial<Logger>).isLevelEnabled?.(level) === false) return;
    this.#real()[level](...args);
  }

  get level(): string {
    return this.#real().level;
  }
  set level(level: string) {
    this.#real().level = level;
  }
  fatal(...args: LogArgs): void {
    this.#at('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#at('error', args);
  }
  warn(...args: LogArgs): void {
    this.#at('warn', args);
  }
  info(...args: LogArgs): void {
    this.#at('info', args);
  }
  debug(...args: LogArgs): void {
    this.#at('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#at('trace', args);
  }
  silent(): void {}
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, opts);
  }
}

/**
 * One info line per request, when its response is done: method, path and client address, status and how long
 * it took — instead of Fastify's two (an "incoming request" line too, which
 * doubled the logging cost). "incoming request" stays at debug (a request that hangs shows up); errors and
 * stream failures are logged as Fastify logs them.
 */
export class OneLinePerRequest extends LogController {
  readonly #logger: FastifyBaseLogger;

  /** `logger`: the app's logger (Fastify's loggerInstance), whose children are the requests' loggers. */
  constructor(logger: FastifyBaseLogger) {
    super();
    this.#logger = logger;
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else writeRequestLine(this.#logger, request, reply);
  }
}

/**
 * Writes buffered log lines now, synchronously: for a process about to exit at once (process.exit gives an
 * asynchronous write no chance). A logger on another stream (tests) has nothing buffered here.
 */
export function flushLoggerSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void } | undefined;
  try {
    stream?.flushSync?.();
  } catch {
    // EAGAIN on a full pipe: what is left is lost with the process, as before
  }
}

/** Writes buffered log lines (asynchronous destination) before the process exits. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
