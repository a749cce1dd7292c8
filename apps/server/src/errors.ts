// The one error module (node-oidc-provider style): a base OAuthError plus one-line definitions, and one
// serializer that turns anything thrown into the wire body `{ error, error_description }`.
// RFC 6749 §5.2 (token errors), RFC 6750 §3.1 (bearer errors), RFC 7591 §3.2.2 (registration errors),
// RFC 8707 §2 (invalid_target).
import type { OAuthError as OAuthErrorBody, OAuthErrorCode } from '@reminderit/sdk';

export class OAuthError extends Error {
  readonly status: number;
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: OAuthErrorCode, description: string, headers: Record<string, string> = {}) {
    // An answer to the client, not a bug: no stack trace is captured (it was ~3 % of a 404's CPU time) and
    // none is ever sent or logged for these.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${code}: ${description}`);
    Error.stackTraceLimit = limit;
    this.name = 'OAuthError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.headers = headers;
  }
}

const define = (status: number, code: OAuthErrorCode) => (description: string, headers?: Record<string, string>) =>
  new OAuthError(status, code, description, headers);

export const invalidRequest = define(400, 'invalid_request');
export const invalidClient = define(401, 'invalid_client');
export const invalidGrant = define(400, 'invalid_grant');
export const unauthorizedClient = define(400, 'unauthorized_client');
export const unsupportedGrantType = define(400, 'unsupported_grant_type');
export const invalidScope = define(400, 'invalid_scope');
export const invalidTarget = define(400, 'invalid_target');
export const invalidRedirectUri = define(400, 'invalid_redirect_uri');
export const invalidClientMetadata = define(400, 'invalid_client_metadata');
export const notAcceptable = define(406, 'invalid_request');
export const unsupportedMediaType = define(415, 'invalid_request');
export const invalidToken = define(401, 'invalid_token');
export const insufficientScope = define(403, 'insufficient_scope');
export const unauthorized = define(401, 'unauthorized');
export const forbidden = define(403, 'forbidden');
export const notFound = define(404, 'not_found');
export const methodNotAllowed = define(405, 'invalid_request');
export const conflict = define(409, 'conflict');
export const rateLimited = define(429, 'rate_limited');
export const notImplemented = define(501, 'not_implemented');
export const temporarilyUnavailable = define(503, 'temporarily_unavailable');

export type Store = 'database' | 'kv';

/**
 * A storage call that failed for availability reasons (store/storage-deadline.ts classifies drivers' errors
 * and enforces deadlines). DESIGN.md: never reported as a bad credential.
 */
export class StorageUnavailableError extends Error {
  readonly store: Store;
  constructor(store: Store, message: string, options?: { cause?: unknown }) {
    super(`${store} unavailable: ${message}`, options);
    this.name = 'StorageUnavailableError';
    this.store = store;
  }
}

/** Whether `err`, or an error it wraps (drizzle wraps driver errors in DrizzleQueryError), is a storage outage. */
export function isStorageUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof StorageUnavailableError) return true;
    current = current.cause;
  }
  return false;
}

/** Seconds a client is asked to wait after a storage outage (a restarted store is back within about 1 s). */
const STORAGE_RETRY_AFTER_SECONDS = 1;

/** DESIGN.md: a storage failure is 503 temporarily_unavailable with Retry-After, never a credential verdict. */
export const storageUnavailable = () =>
  temporarilyUnavailable('Storage is temporarily unavailable; retry shortly.', {
    'retry-after': String(STORAGE_RETRY_AFTER_SECONDS),
  });

export interface SerializedError {
  status: number;
  body: OAuthErrorBody;
  headers: Record<string, string>;
}

/**
 * Wire form of any thrown value. A storage outage (anywhere in the cause chain) is 503 with Retry-After.
 * Other unknown errors become an opaque `server_error` 500: stack traces and
 * internals never leave the process (the caller logs the original). Error responses are never cached
 * (RFC 6749 §5.1 asks it of token responses; it is right for every error here).
 */
export function serializeError(err: unknown): SerializedError {
  const e =
    err instanceof OAuthError
      ? err
      : isStorageUnavailable(err)
        ? storageUnavailable()
        : new OAuthError(500, 'server_error', 'The server hit an unexpected condition.');
  return {
    status: e.status,
    body: { error: e.code, error_description: e.description },
    headers: { ...e.headers },
  };
}
