// @reminderit/sdk: the generated client for every operation of openapi/openapi.yaml, plus small helpers.
export * from './gen/index.js';
export { buildAuthorizeUrl, type AuthorizeUrlOptions } from './authorize-url.js';
export { ALL_SCOPES, SCOPE_DESCRIPTIONS } from './scopes.js';
export { createCodeChallenge, createCodeVerifier, createPkcePair, createState } from './pkce.js';
export {
  parseAuthorizationResponse,
  type AuthorizationCode,
  type AuthorizationResponseChecks,
} from './authorization-response.js';
export {
  isReminderItError,
  isReminderItErrorCode,
  ReminderItError,
  toReminderItError,
  type ReminderItErrorCode,
  type ReminderItErrorInit,
} from './reminderit-error.js';
export { unwrap, withTypedErrors, type FieldsResult } from './typed-errors.js';
export { client } from './gen/client.gen.js';
export { createClient, createConfig, type Client, type Config as ClientConfig } from './gen/client/index.js';
