// Graceful shutdown, HTTP side: once app.close() has begun, requests still arriving on open connections are
// answered in the one error shape (503 temporarily_unavailable + Retry-After, Connection: close) instead of
// Fastify's plain-text 503; requests already in flight finish normally. RFC 9110 §15.6.4 (503 + Retry-After),
// RFC 9112 §9.6 (Connection: close tells the client to reconnect, reaching another instance). /readyz keeps
// its Readiness contract and answers 503 from the first moment of the drain (ops/health.ts asks isDraining),
// so a load balancer stops sending here.
import type { FastifyInstance } from 'fastify';
import { serializeError, temporarilyUnavailable } from '../errors.ts';

const READINESS_PATH = '/readyz';

/**
 * Fastify must be built with `return503OnClosing: false`, so that this hook gets those requests. Returns
 * whether the drain has begun.
 */
export function answerWhileDraining(app: FastifyInstance): () => boolean {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  // Node closes idle keep-alive connections once, when closing starts; one that turns idle later (its
  // in-flight response just sent) would hold the drain until its keep-alive timeout. Close those as they go.
  app.addHook('onResponse', (_req, _reply, done) => {
    if (draining) setImmediate(() => app.server.closeIdleConnections());
    done();
  });
  app.addHook('onRequest', (req, reply, done) => {
    // /readyz keeps its own contract (a 503 Readiness body while draining); storage closes only after the drain.
    if (!draining || req.url.split('?', 1)[0] === READINESS_PATH) return done();
    const err = temporarilyUnavailable('The server is shutting down; retry.', { 'retry-after': '1' });
    const { status, body, headers } = serializeError(err);
    return reply
      .code(status)
      .headers({ ...headers, connection: 'close' })
      .type('application/json; charset=utf-8')
      .send(body);
  });
  return () => draining;
}
