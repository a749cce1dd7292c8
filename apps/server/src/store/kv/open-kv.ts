/** Picks the `Kv` backend from configuration: Redis when a URL is given, in-process memory otherwise. */
import type { Clock } from '../../clock.ts';
import type { Kv, KvErrorHandler } from './kv.ts';
import { MemoryKv } from './memory-kv.ts';
import { RedisKv } from './redis-kv.ts';

export interface OpenKvOptions {
  /** REDIS_URL; when unset, an in-memory store private to this process is used. */
  redisUrl?: string;
  /** Key and channel prefix (Redis only: a MemoryKv is never shared). */
  prefix?: string;
  /** Time source for expiry (MemoryKv only: Redis expires keys by its own clock). */
  clock?: Clock;
  /** Receives background errors: connection trouble, exceptions thrown by subscribers. */
  onError?: KvErrorHandler;
  /** Deadline of every Redis command (STORAGE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Opens the configured store; with Redis, rejects if the server cannot be reached. */
export async function openKv({ redisUrl, prefix, clock, onError, timeoutMs }: OpenKvOptions): Promise<Kv> {
  if (redisUrl) return RedisKv.connect({ url: redisUrl, prefix, onError, timeoutMs });
  return new MemoryKv({ clock, onError });
}
