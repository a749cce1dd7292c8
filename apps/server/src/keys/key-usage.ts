// `last_used_at` in batches: the bearer hot path only notes the time in memory; every `flushMs` one UPDATE
// writes all keys used since, and close() writes what is left (graceful shutdown). The column is never
// moved backwards, so instances flushing in any order agree. A failed flush keeps its stamps for the next.
import type { Clock } from '../clock.ts';
import { sql } from '../store/db/drizzle.ts';
import type { Database } from '../store/db/open-db.ts';

export class KeyUsage {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(opts: { db: Database; clock: Clock; flushMs: number; onError: (err: unknown) => void }) {
    this.#db = opts.db;
    this.#clock = opts.clock;
    this.#onError = opts.onError;
    this.#timer = setInterval(() => void this.flush().catch(this.#onError), opts.flushMs);
    this.#timer.unref();
  }

  /** Notes that key `keyId` was used now. */
  touch(keyId: string): void {
    this.#pending.set(keyId, this.#clock.now());
  }

  /** Keys used but not written yet. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Writes every pending stamp (one statement); flushes run one at a time. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#write());
    this.#flushing = run.catch(() => {});
    return run;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const rows = sql.join(
      [...batch].map(([id, at]) => sql`(${id}::uuid, ${new Date(at).toISOString()}::timestamptz)`),
      sql`, `,
    );
    try {
      await this.#db.db.execute(sql`
        update api_keys as k set last_used_at = v.at
        from (values ${rows}) as v(id, at)
        where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.at)`);
    } catch (err) {
      // Keep them for the next flush, without overwriting newer stamps taken meanwhile.
      for (const [id, at] of batch) if (!this.#pending.has(id)) this.#pending.set(id, at);
      throw err;
    }
  }
}
