// The scopes this server grants (RFC 6749 §3.3), advertised in both metadata documents (RFC 8414 §2,
// RFC 9728 §2) and described in plain words on the consent page.
import type { Scope } from '@reminderit/sdk';

export const SCOPES: Readonly<Record<Scope, string>> = {
  'reminders:read': 'See your reminders',
  'reminders:write': 'Create and cancel reminders that call your phone',
};

export const SUPPORTED_SCOPES = Object.keys(SCOPES) as Scope[];
