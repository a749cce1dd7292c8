// Security-relevant events (design: client registered, key minted/revoked, code replay) in audit_events.
import type { AppContext } from './context.ts';
import type { Db } from './store/db/open-db.ts';
import { type AuditEventType, auditEvents } from './store/db/schema.ts';

export interface AuditFields {
  userId?: string | null;
  clientId?: string | null;
  keyId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends an event; pass `executor` (a transaction) to make it part of the change it records. */
export async function recordAudit(ctx: Pick<AppContext, 'db'>, type: AuditEventType, fields: AuditFields = {}, executor: Db = ctx.db.db): Promise<void> {
  await executor.insert(auditEvents).values({
    type,
    userId: fields.userId ?? null,
    clientId: fields.clientId ?? null,
    keyId: fields.keyId ?? null,
    data: fields.data ?? {},
  });
}
