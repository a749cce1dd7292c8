// Security-relevant events (design: client registered, key minted/revoked, code replay) in audit_events.
import type { AnyColumn, SQLWrapper } from 'drizzle-orm';
import type { AppContext } from './context.ts';
import { sql } from './store/db/drizzle.ts';
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

/**
 * A CTE (`audited`) appending one `type` event per row of `source` (an earlier CTE of the same statement, e.g.
 * an INSERT … RETURNING), so that a change and its event are one statement: atomic without a transaction,
 * one round trip. `columns` name the source's columns holding the event's user, client and key.
 */
export function auditedRows(db: Db, type: AuditEventType, source: SQLWrapper, columns: { userId: AnyColumn; clientId: AnyColumn; keyId: AnyColumn }) {
  const target = sql.join(
    [auditEvents.type, auditEvents.userId, auditEvents.clientId, auditEvents.keyId].map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const rows = sql`insert into ${auditEvents} (${target}) select ${type}, ${columns.userId}, ${columns.clientId}, ${columns.keyId} from ${source} returning ${auditEvents.id}`;
  return db.$with('audited', { id: auditEvents.id }).as(rows);
}
