// Process entry: read config once, open storage (migrations applied), listen, shut down gracefully.
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { openDatabase } from './store/db/open-db.ts';
import { openKv } from './store/kv/open-kv.ts';

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
  logger.info(
    { database: db.kind, kv: config.redisUrl ? 'redis' : 'memory', dataDir: config.databaseUrl ? undefined : config.dataDir },
    'storage ready',
  );
  const app = await buildApp({ config, db, kv, logger });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close(); // stops accepting, drains in-flight requests
      await kv.close();
      await db.close();
    } finally {
      clearTimeout(force);
    }
    process.exit(0);
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
