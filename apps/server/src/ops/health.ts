// Liveness (process up) and readiness (database and KV reachable) for load balancers.
import type {
  GetHealthData,
  GetHealthResponses,
  GetReadinessData,
  GetReadinessErrors,
  GetReadinessResponses,
} from '@reminderit/sdk';
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

export function healthHandlers({ db, kv }: { db: Database; kv: Kv }) {
  return {
    getHealth: operation<GetHealthData, GetHealthResponses>(async () => ({
      status: 200,
      body: { status: 'ok' },
    })),
    getReadiness: operation<GetReadinessData, GetReadinessResponses & GetReadinessErrors>(async ({ raw }) => {
      const [database, kvState] = await Promise.all([check(() => db.ping()), check(() => kv.ping())]);
      const ready = database === 'ok' && kvState === 'ok';
      if (!ready) raw.log.warn({ database, kv: kvState }, 'readiness check failed');
      const body = { status: ready ? ('ok' as const) : ('unavailable' as const), checks: { database, kv: kvState } };
      return ready ? { status: 200, body } : { status: 503, body };
    }),
  };
}
