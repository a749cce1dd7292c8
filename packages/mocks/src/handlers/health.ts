// getHealth, getReadiness.
import type { GetHealthData, GetHealthErrors, GetHealthResponses, GetReadinessData, GetReadinessErrors, GetReadinessResponses } from '@reminderit/sdk';
import type { Router } from '../respond.ts';

export function healthHandlers(on: Router) {
  return [
    on<GetHealthData, GetHealthResponses & GetHealthErrors>('get', '/healthz', () => ({ status: 200, body: { status: 'ok' } })),
    on<GetReadinessData, GetReadinessResponses & GetReadinessErrors>('get', '/readyz', () => ({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', kv: 'ok' } },
    })),
  ];
}
