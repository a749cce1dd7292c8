// What each OAuth scope (the spec's `Scope` enum) lets a key do, in the plain words the consent page shows. One
// list for the server (metadata, challenges, the consent API), the consent app and the mocks.
import type { Scope } from './gen/types.gen.js';

export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  'reminders:read': 'See your reminders',
  'reminders:write': 'Create and cancel reminders that call your phone',
};

/** Every scope, in the order above (the order metadata advertises them). */
export const ALL_SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];
