// Logs never carry secrets: API keys, codes, passwords, session ids and Authorization headers are either
// never logged (bodies and query strings are not) or redacted (headers).
import { type DestinationStream, type Logger, pino } from 'pino';

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

/**
 * Without a stream: stdout through an asynchronous destination (sonic-boom), so a request never waits for a
 * write to the pipe and lines written while one is in flight go out together. Lines are not held back when
 * traffic is low (no minimum length); `flushLogger` writes what is left before the process exits.
 * Per-request lines stay at info (Fastify's "incoming request" / "request completed", with the small `req`
 * serializer below): cheap this way, and operators keep them.
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // Path only: query strings may carry state, codes or tokens.
        req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: req.url.split('?', 1)[0], ip: req.ip }),
      },
    },
    stream ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Writes buffered log lines (asynchronous destination) before the process exits. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
