// buildApp(deps): the whole HTTP application over injected dependencies (fastify/demo style). Tests build it
// with PGlite/in-memory KV and a ManualClock and drive it with app.inject() or a port-0 listener; main.ts
// builds it over the configured backends and listens.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { accountHandlers } from './accounts/handlers.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { consentHandlers } from './consent/handlers.ts';
import type { AppContext } from './context.ts';
import { docsHandlers } from './docs/handlers.ts';
import { consentAppFallback } from './http/consent-app.ts';
import { answerWhileDraining } from './http/draining.ts';
import { frameworkErrors, installErrorHandling } from './http/error-handling.ts';
import { installResponseHeaders } from './http/response-headers.ts';
import { checkCsrf, securityHandlers, unauthorizedError } from './http/security.ts';
import { routeThroughSpec } from './http/spec-router.ts';
import { createBearerKeys } from './keys/bearer-keys.ts';
import { apiKeyHandlers } from './keys/handlers.ts';
import { createLogger, lazyChildLogger, OneLinePerRequest } from './log.ts';
import { installDnsRebindingGuard } from './mcp/dns-rebinding-guard.ts';
import { mcpHandlers } from './mcp/mcp-endpoint.ts';
import { authorizeHandlers } from './oauth/authorize.ts';
import { createClientCache } from './oauth/client-cache.ts';
import { CLIENT_METADATA_FETCH } from './oauth/client-metadata-document.ts';
import { discoveryHandlers } from './oauth/discovery.ts';
import { registerHandlers } from './oauth/register.ts';
import { revokeHandlers } from './oauth/revoke.ts';
import type { SafeFetchOptions } from './oauth/safe-fetch.ts';
import { tokenHandlers } from './oauth/token.ts';
import { healthHandlers } from './ops/health.ts';
import { reminderHandlers } from './reminders/handlers.ts';
import type { Database } from './store/db/open-db.ts';
import type { Kv } from './store/kv/kv.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  kv: Kv;
  clock?: Clock;
  logger?: FastifyBaseLogger;
  /** Overrides for fetching Client ID Metadata Documents (tests: an injected resolver, a short deadline, a CA). */
  clientMetadataFetch?: Partial<Omit<SafeFetchOptions, 'allowLoopback'>>;
}

/** Bodies here are small JSON or form documents; anything bigger is refused before parsing. */
const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const loggerInstance: FastifyBaseLogger = deps.logger ?? createLogger(config.logLevel);
  if (config.cimdAllowLoopbackHttp) {
    loggerInstance.warn(
      'CIMD_ALLOW_LOOPBACK_HTTP is on: client metadata documents may be fetched from loopback hosts over http (tests and local development only)',
    );
  }
  const bearer = await createBearerKeys({
    config,
    db: deps.db,
    kv: deps.kv,
    clock,
    onError: (err, what) => loggerInstance.warn({ err }, what),
  });
  const clients = await createClientCache({ kv: deps.kv, clock, onError: (err, what) => loggerInstance.warn({ err }, what) });
  const ctx: AppContext = {
    config,
    db: deps.db,
    kv: deps.kv,
    clock,
    bearer,
    clients,
    clientMetadataFetch: { ...CLIENT_METADATA_FETCH, allowLoopback: config.cimdAllowLoopbackHttp, ...deps.clientMetadataFetch },
  };
  const app = Fastify({
    loggerInstance,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // Node's header limit (16 KiB) bounds a path parameter already; Fastify's default (100) would turn a long
    // one into a 404 where the contract answers 400.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    logController: new OneLinePerRequest(loggerInstance),
    childLoggerFactory: lazyChildLogger,
    frameworkErrors,
    return503OnClosing: false, // http/draining.ts answers those requests in the one error shape
  });

  // Graceful shutdown writes the pending last_used_at stamps before storage closes (main.ts closes it after).
  app.addHook('onClose', () => bearer.close());
  app.addHook('onClose', () => clients.close());

  await app.register(formbody);
  await app.register(cookie, { hook: false }); // cookies are parsed on demand (cookies.ts)

  installResponseHeaders(app);
  installErrorHandling(app);
  const draining = answerWhileDraining(app);
  installDnsRebindingGuard(app, config);

  await routeThroughSpec(
    app,
    {
      ...discoveryHandlers(ctx),
      ...registerHandlers(ctx),
      ...authorizeHandlers(ctx),
      ...tokenHandlers(ctx),
      ...revokeHandlers(ctx),
      ...accountHandlers(ctx),
      ...consentHandlers(ctx),
      ...apiKeyHandlers(ctx),
      ...reminderHandlers(ctx),
      ...mcpHandlers(ctx),
      ...healthHandlers({ ...ctx, draining }),
      ...docsHandlers(ctx),
    },
    {
      security: {
        handlers: securityHandlers(ctx),
        unauthorized: (c, req) => unauthorizedError(ctx, c, req),
        beforeHandler: checkCsrf,
      },
      fallback: await consentAppFallback(app, config.consentAppDir),
    },
  );
  return app;
}
