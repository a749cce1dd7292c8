// Fixed-window rate limits on the shared KV, so every instance counts the same window.
import type { RateLimit } from './config.ts';
import type { AppContext } from './context.ts';
import { rateLimited } from './errors.ts';

/**
 * Counts one hit for `bucket` (e.g. `register:<ip>`) and throws 429 rate_limited with Retry-After when the
 * window's budget is spent.
 */
export async function enforceRateLimit(ctx: Pick<AppContext, 'kv'>, bucket: string, limit: RateLimit): Promise<void> {
  const count = await ctx.kv.incr(`ratelimit:${bucket}`, limit.windowSeconds * 1000);
  if (count > limit.max) {
    throw rateLimited('Too many requests; try again later.', { 'retry-after': String(limit.windowSeconds) });
  }
}
