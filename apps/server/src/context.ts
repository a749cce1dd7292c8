import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { BearerKeys } from './keys/bearer-keys.ts';
import type { ClientCache } from './oauth/client-cache.ts';
import type { SafeFetchOptions } from './oauth/safe-fetch.ts';
import type { Database } from './store/db/open-db.ts';
import type { Kv } from './store/kv/kv.ts';

/** What every handler factory receives: the injected dependencies of buildApp(deps), clock resolved. */
export interface AppContext {
  config: Config;
  db: Database;
  kv: Kv;
  clock: Clock;
  /**
   * How Client ID Metadata Documents are fetched (oauth/safe-fetch.ts): resolver, deadline, size bound. buildApp
   * always sets it; absent (a hand-built context) → the defaults and config.
   */
  clientMetadataFetch?: SafeFetchOptions;
  /** The bearer hot path: key lookup, its cache and batched last_used_at (keys/bearer-keys.ts). */
  bearer: BearerKeys;
  /**
   * Client rows cached across requests, dropped in every instance on change (oauth/client-cache.ts). buildApp
   * always sets it; absent (a hand-built context, a script) → every lookup reads the database.
   */
  clients?: ClientCache;
}
