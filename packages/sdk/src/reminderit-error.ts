// The one error type of the SDK. Every error answer of the API is an OAuthError body (RFC 6749 §5.2 shape:
// `{ error, error_description }`); this class carries that body plus the HTTP status and response headers.
import { type OAuthError, OAuthErrorCode } from './gen/types.gen.js';

/** The machine-readable code (`invalid_grant`, `invalid_token`, …). Branch on it, never on the description. */
export type ReminderItErrorCode = OAuthError['error'];

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(OAuthErrorCode));

/** True for an error code the contract declares (components/schemas/OAuthErrorCode). */
export function isReminderItErrorCode(value: unknown): value is ReminderItErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

export type ReminderItErrorInit = OAuthError & {
  /** HTTP status of the answer; 302 for an error delivered on the authorization redirect (RFC 6749 §4.1.2.1). */
  status: number;
  headers?: HeadersInit;
  /** The body as received (parsed JSON, or text when it was not JSON). */
  body?: unknown;
};

/** Codes for error answers whose body is not an OAuthError (e.g. an HTML 502 from a proxy). */
const FALLBACK_CODES: Readonly<Record<number, ReminderItErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  501: 'not_implemented',
  503: 'temporarily_unavailable',
};

const DESCRIPTION_MAX = 200;

export class ReminderItError extends Error implements OAuthError {
  override readonly name = 'ReminderItError';
  readonly status: number;
  readonly error: ReminderItErrorCode;
  readonly error_description: OAuthError['error_description'];
  readonly headers: Headers;
  readonly body: unknown;

  constructor(init: ReminderItErrorInit) {
    super(init.error_description ? `${init.error}: ${init.error_description}` : init.error);
    this.status = init.status;
    this.error = init.error;
    this.error_description = init.error_description;
    this.headers = new Headers(init.headers);
    this.body = init.body;
  }

  /** Seconds to wait before retrying (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), if the server said. */
  get retryAfter(): number | undefined {
    const raw = this.headers.get('retry-after')?.trim();
    if (!raw) return undefined;
    if (/^\d+$/.test(raw)) return Number(raw);
    const at = Date.parse(raw);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }

  /** The `WWW-Authenticate` challenge of a 401/403 (RFC 6750 §3, RFC 9728 §5.1), if any. */
  get wwwAuthenticate(): string | undefined {
    return this.headers.get('www-authenticate') ?? undefined;
  }

  toJSON(): OAuthError & { status: number } {
    return { status: this.status, error: this.error, error_description: this.error_description };
  }

  /** Builds the error for a non-2xx response from its (already read) body. */
  static fromResponse(response: Response, body: unknown): ReminderItError {
    const headers = response.headers;
    if (isOAuthErrorBody(body)) {
      return new ReminderItError({ status: response.status, error: body.error, error_description: body.error_description, headers, body });
    }
    // Not an error body of this API (a proxy's HTML page, or a code the contract does not declare): the code
    // follows the status, and the description keeps what was received.
    const received =
      isRecord(body) && typeof body.error === 'string'
        ? [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ')
        : typeof body === 'string'
          ? body
          : '';
    const text = received.replace(/\s+/g, ' ').trim().slice(0, DESCRIPTION_MAX);
    return new ReminderItError({
      status: response.status,
      error: FALLBACK_CODES[response.status] ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
      error_description: text || `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      headers,
      body,
    });
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isOAuthErrorBody(body: unknown): body is OAuthError {
  if (!isRecord(body)) return false;
  return isReminderItErrorCode(body.error) && (body.error_description === undefined || typeof body.error_description === 'string');
}

/** True for a ReminderItError, also one created by another copy of this package (no `instanceof` pitfalls). */
export function isReminderItError(value: unknown): value is ReminderItError {
  if (value instanceof ReminderItError) return true;
  if (!(value instanceof Error) || value.name !== 'ReminderItError') return false;
  const v = value as Partial<ReminderItError>;
  return typeof v.status === 'number' && typeof v.error === 'string';
}

/**
 * What a failed SDK call should throw: a ReminderItError when the server answered with an error status;
 * anything else (a network failure, a request that could not be built) is returned unchanged.
 */
export function toReminderItError(error: unknown, response: Response | undefined): unknown {
  if (isReminderItError(error)) return error;
  if (response === undefined || response.ok) return error;
  return ReminderItError.fromResponse(response, error);
}
