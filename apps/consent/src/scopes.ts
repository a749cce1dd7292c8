import type { Scope } from '@reminderit/sdk';

/** What each scope lets a key do, in the words the consent page uses (apps/server/src/oauth/scopes.ts). */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  'reminders:read': 'See your reminders',
  'reminders:write': 'Create and cancel reminders that call your phone',
};

export const SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];
