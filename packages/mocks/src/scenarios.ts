// Named scenarios: the starting state of the mocked server. Handlers built for a scenario keep their own
// copy of that state and change it as a real server would (log in starts a session, Allow consumes the
// pending request, creating a key adds it, revoking marks it revoked).
import type { ConsentRequest, Reminder } from '@reminderit/sdk';
import {
  apiKeys,
  consentForClaude,
  consentForClaudeMetadataDocument,
  consentForHostileName,
  consentForLoopback,
  reminders,
  type StoredApiKey,
} from './fixtures.ts';

export interface Scenario {
  /** One sentence: what the app shows in this scenario. */
  description: string;
  /** Whether the browser starts with a session (as `ada@example.com`). */
  signedIn: boolean;
  /** Pending authorization requests the consent page can show. */
  pendingRequests: ConsentRequest[];
  keys: StoredApiKey[];
  reminders: Reminder[];
  /** `serverError`: every operation answers 500 `server_error`. */
  failure?: 'server_error';
}

const everyRequest = [consentForClaude, consentForClaudeMetadataDocument, consentForLoopback, consentForHostileName];

export const scenarios = {
  signedOut: {
    description: 'No session: pages send you to log in (ada@example.com / correct horse battery staple); the Claude.ai request awaits.',
    signedIn: false,
    pendingRequests: everyRequest,
    keys: apiKeys,
    reminders,
  },
  consentClaude: {
    description: 'Signed in, with a pending request from Claude.ai (redirect to claude.ai).',
    signedIn: true,
    pendingRequests: [consentForClaude],
    keys: apiKeys,
    reminders,
  },
  consentClaudeMetadataDocument: {
    description: 'Signed in, with a pending request from Claude identified by its Client ID Metadata Document on claude.ai.',
    signedIn: true,
    pendingRequests: [consentForClaudeMetadataDocument],
    keys: apiKeys,
    reminders,
  },
  consentLoopback: {
    description: 'Signed in, with a pending request from a program on this computer (loopback redirect).',
    signedIn: true,
    pendingRequests: [consentForLoopback],
    keys: apiKeys,
    reminders,
  },
  consentHostileName: {
    description: 'Signed in, with a pending request whose client_name is an HTML injection attempt.',
    signedIn: true,
    pendingRequests: [consentForHostileName],
    keys: apiKeys,
    reminders,
  },
  expiredRequest: {
    description: 'Signed in; no pending request exists, so every consent request id is unknown or expired (404).',
    signedIn: true,
    pendingRequests: [],
    keys: apiKeys,
    reminders,
  },
  keysList: {
    description: 'Signed in, with a Claude (web connector) key, a personal key and a revoked key.',
    signedIn: true,
    pendingRequests: [],
    keys: apiKeys,
    reminders,
  },
  noKeys: {
    description: 'Signed in, with no API keys yet.',
    signedIn: true,
    pendingRequests: [],
    keys: [],
    reminders: [],
  },
  serverError: {
    description: 'Every operation fails with 500 server_error.',
    signedIn: true,
    pendingRequests: everyRequest,
    keys: apiKeys,
    reminders,
    failure: 'server_error',
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;

export const scenarioNames = Object.keys(scenarios) as ScenarioName[];

/** What `vite --mode mock` shows without `?scenario=`: signed in, consent for Claude.ai. */
export const defaultScenario: ScenarioName = 'consentClaude';

export function isScenarioName(name: string | null | undefined): name is ScenarioName {
  return name != null && Object.hasOwn(scenarios, name);
}
