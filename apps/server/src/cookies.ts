// Request cookies (RFC 6265 §5.4 Cookie header), read where they are needed: @fastify/cookie is registered
// with `hook: false`, so the great majority of requests (bearer-authenticated MCP and API calls) parse none.
import type { FastifyRequest } from 'fastify';

/** The value of cookie `name` on this request, if it carries one. */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? req.server.parseCookie(header)[name] : undefined;
}
