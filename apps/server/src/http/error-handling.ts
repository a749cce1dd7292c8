// Every failure leaves as `{ error, error_description }` JSON: OAuth errors as raised, Fastify's own client
// errors (malformed JSON, body too large, ...) as invalid_request with their status, and anything else as
// a storage outage as 503 temporarily_unavailable, and anything else as an opaque 500 server_error — logged
// here, never sent.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidRequest, isStorageUnavailable, OAuthError, serializeError } from '../errors.ts';
import { setResponseHeaders } from './response-headers.ts';

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = err instanceof OAuthError ? err : clientErrorFromFastify(err);
    // An outage is not a bug: a warning without the driver error (whose message may quote the query).
    if (!known && isStorageUnavailable(err)) req.log.warn('storage unavailable: answered 503');
    else if (!known) req.log.error({ err }, 'unhandled error');
    const { status, body, headers } = serializeError(known ?? err);
    return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
  });
}

function clientErrorFromFastify(err: FastifyError): OAuthError | undefined {
  const status = err.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  const description = status === 413 ? 'Request body too large.' : status === 415 ? 'Unsupported Content-Type.' : 'Malformed request.';
  return status === 400 ? invalidRequest(description) : new OAuthError(status, 'invalid_request', description);
}

/**
 * Errors Fastify raises before routing (a malformed URL, a bad Content-Type header) skip the error handler;
 * passed as the `frameworkErrors` option they get the same wire shape and headers as every other error (onSend
 * hooks do not run for them either).
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const { status, body, headers } = serializeError(clientErrorFromFastify(err) ?? invalidRequest('Malformed request.'));
  setResponseHeaders(reply.code(status).headers(headers));
  reply.type('application/json; charset=utf-8').send(body);
}
