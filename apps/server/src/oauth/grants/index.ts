// The grant types the token endpoint supports, by `grant_type` (RFC 6749 §4). Refresh tokens are not issued:
// the access token is a long-lived API key the user revokes on the API Keys page.
import { authorizationCodeGrant } from './authorization-code.ts';
import type { Grant } from './grant.ts';

export const GRANTS: Readonly<Record<string, Grant>> = {
  authorization_code: authorizationCodeGrant,
};
