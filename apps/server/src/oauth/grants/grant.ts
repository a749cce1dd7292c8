import type { TokenRequest, TokenResponse } from '@reminderit/sdk';
import type { AppContext } from '../../context.ts';
import type { OAuthClientRow } from '../../store/db/schema.ts';

/** A grant type handler of the token endpoint (RFC 6749 §4): authenticated client + request → token. */
export type Grant = (ctx: AppContext, client: OAuthClientRow, request: TokenRequest) => Promise<TokenResponse>;
