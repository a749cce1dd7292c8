// buildApp(deps): the whole HTTP application over injected dependencies (fastify/demo style). Tests build it
// with PGlite/in-memory KV and a ManualClock and drive it with app.inject() or a port-0 listener; main.ts
// builds it over the configured backends and listens.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { installErrorHandling } from './http/error-handling.ts';
import { routeThroughSpec } from './http/spec-router.ts';
import { createLogger } from './log.ts';
import { discoveryHandlers } from './oauth/discovery.ts';
import { healthHandlers } from './ops/health.ts';
import type { Database } from './store/db/open-db.ts';
import type { Kv } from './store/kv/kv.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  kv: Kv;
  clock?: Clock;
  logger?: FastifyBaseLogger;
}

/** Bodies here are small JSON or form documents; anything bigger is refused before parsing. */
const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const ctx = { ...deps, clock: deps.clock ?? systemClock };
  const loggerInstance: FastifyBaseLogger = deps.logger ?? createLogger(config.logLevel);
  const app = Fastify({
    loggerInstance,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
  });

  await app.register(formbody);

  // Every response: no MIME sniffing, no framing (design rule: frame-ancestors 'none'), no referrer leaks.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "frame-ancestors 'none'");
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });

  installErrorHandling(app);

  await routeThroughSpec(app, {
    ...discoveryHandlers(ctx),
    ...healthHandlers(ctx),
  });
  return app;
}
