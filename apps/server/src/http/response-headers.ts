// Headers every response carries, set once here (onSend) instead of by each handler: success, error, redirect,
// the not-found handler alike (and Fastify's framework errors, which skip hooks, through frameworkErrors).
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * No MIME sniffing, no framing (design rule: frame-ancestors 'none'), no referrer leaks; and nothing is stored
 * by a cache (RFC 9111 §5.2.2.5: sessions, keys, tokens, errors all carry a credential or a verdict) unless its
 * handler sets its own Cache-Control: discovery metadata, the API reference and static assets do.
 */
export function setResponseHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'none'");
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

/** Every routed response; http/error-handling.ts calls setResponseHeaders for errors raised before routing. */
export function installResponseHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    setResponseHeaders(reply);
    done(null, payload);
  });
}
