// Liveness (process up) and readiness (database and KV reachable, and not shutting down) for load balancers.
import type { GetHealthData, GetHealthResponses, GetReadinessData, GetReadinessErrors, GetReadinessResponses } from '@reminderit/sdk';
import { operation } from '../http/operation.ts';
import type { Database } from '../store/db/open-db.ts';
import type { Kv } from '../store/kv/kv.ts';

const PING_TIMEOUT_MS = 2000;

async function check(ping: () => Promise<void>): Promise<'ok' | 'error'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
    return 'ok';
  } catch {
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

/** `draining`: whether graceful shutdown has begun (http/draining.ts); from then on the instance is not ready. */
export function healthHandlers({ db, kv, draining }: { db: Database; kv: Kv; draining: () => boolean }) {
  return {
    getHealth: operation<GetHealthData, GetHealthResponses>(async () => ({
      status: 200,
      body: { status: 'ok' },
    })),
    getReadiness: operation<GetReadinessData, GetReadinessResponses & GetReadinessErrors>(async ({ raw }) => {
      const [database, kvState] = await Promise.all([check(() => db.ping()), check(() => kv.ping())]);
      const shuttingDown = draining();
      const ready = database === 'ok' && kvState === 'ok' && !shuttingDown;
      if (!ready && !shuttingDown) raw.log.warn({ database, kv: kvState }, 'readiness check failed');
      const body = { status: ready ? ('ok' as const) : ('unavailable' as const), checks: { database, kv: kvState } };
      return ready ? { status: 200, body } : { status: 503, body };
    }),
  };
}
