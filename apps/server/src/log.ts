// Logs never carry secrets: API keys, codes, passwords, session ids and Authorization headers are either
// never logged (bodies and query strings are not) or redacted (headers).
import { pino, type DestinationStream, type Logger } from 'pino';

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
    stream,
  );
}
