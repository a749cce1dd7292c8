// Client-side deadlines on every database call (see store/storage-deadline.ts). Server-side timeouts
// (statement_timeout, connect_timeout) cannot help when the server is frozen: the socket stays open and
// nothing answers. So the driver objects drizzle calls are wrapped: each query, and each transaction as a
// whole, races a deadline and rejects with StorageUnavailableError when it passes.
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import { withDeadline } from '../storage-deadline.ts';

/** Socket-level failures of postgres-js and Node's net module. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs (PostgreSQL Appendix A) that say the server cannot serve now: class 08 connection exception,
 * 53 insufficient resources (too many connections), 57014 query_canceled (statement_timeout), 57P01-03
 * shutdown / cannot connect now, 25P03 idle_in_transaction_session_timeout.
 */
function isOutageSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P0') || code === '57014' || code === '25P03';
}

export function isPostgresOutage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_CODES.has(code) || isOutageSqlState(code);
}

/**
 * postgres-js queries are lazy thenables (PendingQuery) that run when awaited; drizzle calls `unsafe()` and
 * sometimes `.values()` on the result before awaiting. The wrapper keeps that shape and puts the deadline
 * on the await.
 */
interface LazyQuery extends PromiseLike<unknown> {
  values?: () => LazyQuery;
}

function deadlineQuery(query: LazyQuery, ms: number): PromiseLike<unknown> & { values: () => PromiseLike<unknown> } {
  return {
    values: () => deadlineQuery(query.values ? query.values() : query, ms),
    // biome-ignore lint/suspicious/noThenProperty: this object stands in for postgres-js' thenable query
    then(onResolve, onReject) {
      return withDeadline('database', ms, () => query, isPostgresOutage).then(onResolve, onReject);
    },
  };
}

/** The postgres-js client with a deadline on every query and on every transaction. */
export function postgresWithDeadlines(sql: Sql, ms: number): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (...args: Parameters<Sql['unsafe']>) => deadlineQuery(target.unsafe(...args), ms);
      }
      if (prop === 'begin') {
        return (...args: unknown[]) => {
          const body = args.pop() as (tx: Sql) => unknown;
          const run = (tx: Sql) => body(postgresWithDeadlines(tx, ms));
          return withDeadline('database', ms, () => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, run), isPostgresOutage);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * PGlite runs in this process, but its calls are serialized: one that never finishes (a lock held by a
 * transaction that never ends) would hold every later one. query, exec and transaction get the deadline.
 */
export function pgliteWithDeadlines(client: PGlite, ms: number): PGlite {
  const noOutage = () => false;
  return new Proxy(client, {
    get(target, prop) {
      // Read from (and bind to) the real instance: PGlite keeps state in private fields.
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => Promise<unknown>;
      if (prop === 'query' || prop === 'exec' || prop === 'transaction') {
        return (...args: unknown[]) => withDeadline('database', ms, () => method.apply(target, args), noOutage);
      }
      return method.bind(target);
    },
  });
}
