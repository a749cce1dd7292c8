/**
 * Relational schema (drizzle pg-core). One schema for Postgres and PGlite; migrations in `apps/server/drizzle/`
 * are generated from this file with `drizzle-kit generate` and applied on start (see open-db.ts).
 *
 * Secrets are never stored: API keys and client secrets are kept as SHA-256 hex digests only.
 */
import { bigint, check, index, jsonb, pgTable, sql, text, timestamp, uuid } from './drizzle.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Accounts. `email` is stored lowercased, so the unique constraint is case-insensitive in effect. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
});

/**
 * OAuth clients: from dynamic client registration (RFC 7591; `id` is the issued `client_id`) or from a Client
 * ID Metadata Document (`id` is the document's https URL; the row mirrors the last validated document).
 */
export const oauthClients = pgTable(
  'oauth_clients',
  {
    id: text('id').primaryKey(),
    /** SHA-256 hex of the client secret; null for public clients (`token_endpoint_auth_method: none`). */
    secretHash: text('secret_hash'),
    clientName: text('client_name'),
    /** Display label given to keys minted for this client, e.g. "Claude (web connector)". */
    label: text('label').notNull(),
    redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
    tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull(),
    /** The registered client metadata as echoed back in the registration response (RFC 7591 §3.2.1). */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    /**
     * Last /authorize, /token or /revoke by this client, written at most once a day (oauth/client-expiry.ts): a
     * client unused for 90 days is expired and swept.
     */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_clients_last_used_at_idx').on(t.lastUsedAt)],
);

/**
 * API keys. An OAuth access token *is* an API key. Only the SHA-256 of the secret is stored, plus a
 * display prefix; `client_id` is set when the key was minted through the OAuth flow.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id').references(() => oauthClients.id, { onDelete: 'set null' }),
    label: text('label').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    /** RFC 8707 resource the key is bound to (the canonical MCP URL). */
    resource: text('resource').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /**
     * SHA-256 of the authorization code this key was minted for (OAuth keys only), written in the mint's
     * transaction: a replay of the code finds and revokes the key even when the exchange never got to record
     * it in the KV (RFC 6749 §4.1.2).
     */
    codeHash: text('code_hash').unique(),
  },
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
);

export const reminderChannels = ['phone', 'whatsapp'] as const;
export type ReminderChannel = (typeof reminderChannels)[number];
export const reminderStatuses = ['scheduled', 'cancelled', 'sent', 'failed'] as const;
export type ReminderStatus = (typeof reminderStatuses)[number];

export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    channel: text('channel', { enum: reminderChannels }).notNull(),
    phoneNumber: text('phone_number').notNull(),
    status: text('status', { enum: reminderStatuses }).notNull().default('scheduled'),
    createdAt: createdAt(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [
    index('reminders_user_id_due_at_id_idx').on(t.userId, t.dueAt, t.id),
    check('reminders_channel_check', sql`${t.channel} in ('phone', 'whatsapp')`),
    check('reminders_status_check', sql`${t.status} in ('scheduled', 'cancelled', 'sent', 'failed')`),
  ],
);

export const auditEventTypes = ['client_registered', 'key_minted', 'key_revoked', 'code_replayed'] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

/** Append-only security log. No foreign keys: events outlive the rows they mention. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    type: text('type', { enum: auditEventTypes }).notNull(),
    userId: uuid('user_id'),
    clientId: text('client_id'),
    keyId: uuid('key_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_type_created_at_idx').on(t.type, t.createdAt)],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
export type OAuthClientRow = typeof oauthClients.$inferSelect;
export type NewOAuthClientRow = typeof oauthClients.$inferInsert;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
export type ReminderRow = typeof reminders.$inferSelect;
export type NewReminderRow = typeof reminders.$inferInsert;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;

export const schema = { users, oauthClients, apiKeys, reminders, auditEvents };
