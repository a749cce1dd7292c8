// The deadline every storage call runs under, and the classification of a driver's failure as an outage
// (connection refused or dropped, server frozen, past its deadline) rather than a verdict on what was asked.
// DESIGN.md: "A storage failure is never reported as a bad credential: it is 503 temporarily_unavailable with
// Retry-After, within 2 s. Every storage call has a deadline." Drivers' own errors are classified where the
// call is made (open-db.ts, redis-kv.ts); the error itself and isStorageUnavailable() live in errors.ts.
import { StorageUnavailableError, type Store } from '../errors.ts';

/** Default deadline of one storage call; two in a row still answer a request within 2 s. */
export const DEFAULT_STORAGE_TIMEOUT_MS = 1000;

/**
 * Runs `call` with a deadline of `ms`: resolves with its result, or rejects with StorageUnavailableError when
 * the deadline passes first or when `isOutage` says the driver's error is an availability problem. Other
 * errors (constraint violations, bad commands) pass through unchanged. A call that outlives its deadline
 * keeps running in the driver; its late result or error is dropped.
 */
export function withDeadline<T>(store: Store, ms: number, call: () => PromiseLike<T>, isOutage: (err: unknown) => boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StorageUnavailableError(store, `no answer within ${ms} ms`)), ms);
    let pending: PromiseLike<T>;
    try {
      pending = call();
    } catch (err) {
      clearTimeout(timer);
      reject(classify(store, err, isOutage));
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(classify(store, err, isOutage));
      },
    );
  });
}

function classify(store: Store, err: unknown, isOutage: (err: unknown) => boolean): unknown {
  if (err instanceof StorageUnavailableError || !isOutage(err)) return err;
  return new StorageUnavailableError(store, err instanceof Error ? err.message : String(err), { cause: err });
}
