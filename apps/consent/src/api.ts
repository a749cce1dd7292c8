// The SDK client (same origin as the server: cookies just work) and how failures read to a person.
import { createClient, type OAuthError } from '@reminderit/sdk';

export const client = createClient({ baseUrl: window.location.origin });

/** What the SDK hands back from every call. */
export interface Outcome {
  error?: unknown;
  response?: Response;
}

export interface Problem {
  /** HTTP status; undefined when the server could not be reached. */
  status: number | undefined;
  /** The OAuth `error` code, when the body had one. */
  code: string | undefined;
  message: string;
}

function oauthError(error: unknown): OAuthError | undefined {
  return typeof error === 'object' && error !== null && typeof (error as OAuthError).error === 'string' ? (error as OAuthError) : undefined;
}

export const isUnauthorized = (outcome: Outcome) => outcome.response?.status === 401;

/** A failed call in plain words. `messages` overrides the wording for specific statuses. */
export function problemOf(outcome: Outcome, messages: Partial<Record<number, string>> = {}): Problem {
  const status = outcome.response?.status;
  const body = oauthError(outcome.error);
  const base = { status, code: body?.error };
  if (status === undefined) return { ...base, message: "We couldn't reach ReminderIt. Check your connection and try again." };
  const custom = messages[status];
  if (custom) return { ...base, message: custom };
  if (status === 429) return { ...base, message: 'Too many attempts. Wait a minute, then try again.' };
  if (status === 403) return { ...base, message: 'Your session changed, perhaps in another tab. Reload the page and try again.' };
  if (status >= 500) return { ...base, message: 'Something went wrong on our side. Please try again in a moment.' };
  return { ...base, message: body?.error_description ?? 'Something went wrong. Please try again.' };
}
