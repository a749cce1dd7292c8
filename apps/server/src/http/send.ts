import type { FastifyReply } from 'fastify';
import type { RawResult } from './operation.ts';

/** Writes a handler's result: JSON for objects, the declared content type for strings, nothing for empty. */
export function sendResult(reply: FastifyReply, result: RawResult): FastifyReply {
  if (result.sent) return reply; // already being written (a static file, a stream)
  reply.code(result.status);
  if (result.headers) reply.headers(result.headers);
  if (result.body === undefined) return reply.send();
  if (typeof result.body === 'string' || Buffer.isBuffer(result.body)) {
    return reply.type(result.contentType ?? 'text/plain; charset=utf-8').send(result.body);
  }
  return reply.type('application/json; charset=utf-8').send(result.body);
}
