// Process entry: read config once, open storage (migrations applied), listen, shut down gracefully.
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger, flushLogger, flushLoggerSync } from './log.ts';
import { openDatabase } from './store/db/open-db.ts';
import { openKv } from './store/kv/open-kv.ts';

/** Past this, shutdown gives up and exits 1: in-flight requests get two storage deadlines, closes one. */
const SHUTDOWN_BUDGET_MS = 10_000;

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config.logLevel);
  const timeoutMs = config.storageTimeoutMs;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeoutMs });
  const kv = await openKv({ redisUrl: config.redisUrl, prefix: config.kvPrefix, timeoutMs });
  logger.info({ database: db.kind, kv: config.redisUrl ? 'redis' : 'memory', dataDir: config.databaseUrl ? undefined : config.dataDir }, 'storage ready');
  const app = await buildApp({ config, db, kv, logger });

  // Shutdown: stop accepting, let in-flight requests finish (each answers within ~2 storage deadlines, so
  // well inside the budget even during an outage), answer late requests with 503 (http/draining.ts), then
  // close storage (bounded by the deadline even when Redis or Postgres is frozen) and exit 0.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ budgetMs: SHUTDOWN_BUDGET_MS }, 'shutdown budget exceeded; exiting');
      flushLoggerSync(logger);
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    let code = 0;
    try {
      await app.close();
    } catch (err) {
      logger.error({ err }, 'closing the HTTP server failed');
      code = 1;
    }
    await Promise.all([kv.close(), db.close()]).catch((err: unknown) => logger.warn({ err }, 'closing storage failed'));
    clearTimeout(force);
    logger.info('shut down');
    await flushLogger(logger);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.publicUrl, mcp: config.mcpResource }, 'ReminderIt connector auth is up');
}

main().catch((err: unknown) => {
  console.error('fatal: failed to start', err instanceof Error ? err.message : err);
  process.exit(1);
});
