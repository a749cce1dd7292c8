// POST /token (RFC 6749 §3.2, §4.1.3): authenticate the client, dispatch on grant_type, answer with
// Cache-Control: no-store (§5.1). Errors are {error, error_description} (§5.2) from the error module.
import type { TokenData, TokenResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { unsupportedGrantType } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { authenticateClient } from './client-auth.ts';
import { GRANTS } from './grants/index.ts';

export function tokenHandlers(ctx: AppContext) {
  return {
    token: operation<TokenData, TokenResponses>(async ({ body, raw }) => {
      await enforceRateLimit(ctx, `token:${raw.ip}`, ctx.config.rateLimits.token);
      const client = await authenticateClient(ctx, raw, body);
      const grant = Object.hasOwn(GRANTS, body.grant_type) ? GRANTS[body.grant_type] : undefined;
      if (!grant) {
        throw unsupportedGrantType(`grant_type ${body.grant_type} is not supported; use authorization_code.`);
      }
      // no-store is every response's default; §5.1 asks HTTP/1.0 caches for no-cache too.
      return { status: 200, body: await grant(ctx, client, body), headers: { pragma: 'no-cache' } };
    }),
  };
}
