// Two ways to make SDK calls fail with a ReminderItError instead of returning `{ error }`:
//   const reg = await unwrap(registerClient({ client, body }));          // per call
//   withTypedErrors(client);  await registerClient({ client, body, throwOnError: true });  // per client
import type { Client } from './gen/client/index.js';
import { toReminderItError } from './reminderit-error.js';

/** The `{ data, error, request, response }` result of an SDK call made without `throwOnError`. */
export interface FieldsResult {
  data?: unknown;
  error?: unknown;
  response?: Response;
}

/**
 * The data of a successful call, or throws: a ReminderItError when the server answered with an error
 * status, the original error when there was no answer (network failure).
 */
export async function unwrap<R extends FieldsResult>(result: R | Promise<R>): Promise<Exclude<R['data'], undefined>> {
  const settled = await result;
  if (settled.error === undefined) return settled.data as Exclude<R['data'], undefined>;
  throw toReminderItError(settled.error, settled.response);
}

const installed = new WeakSet<object>();

/**
 * Installs an error interceptor on a client: every error answer becomes a ReminderItError, thrown by calls
 * made with `throwOnError: true` and returned as `error` otherwise (it is still an OAuthError-shaped
 * object, so the generated result types hold). Idempotent; returns the client.
 */
export function withTypedErrors<C extends Pick<Client, 'interceptors'>>(client: C): C {
  if (installed.has(client)) return client;
  client.interceptors.error.use((error, response) => toReminderItError(error, response));
  installed.add(client);
  return client;
}
