// @reminderit/sdk: the generated client for every operation of openapi/openapi.yaml, plus small helpers.

export {
  type AuthorizationCode,
  type AuthorizationResponseChecks,
  parseAuthorizationResponse,
} from './authorization-response.js';
export { type AuthorizeUrlOptions, buildAuthorizeUrl } from './authorize-url.js';
export {
  CONSENT_APP_PATHS,
  CONSENT_APP_ROUTES,
  type ConsentAppRoute,
  consentPagePath,
  loginPagePath,
  signupPagePath,
} from './consent-app-routes.js';
export { type Client, type Config as ClientConfig, createClient, createConfig } from './gen/client/index.js';
export { client } from './gen/client.gen.js';
export * from './gen/index.js';
export { createCodeChallenge, createCodeVerifier, createPkcePair, createState } from './pkce.js';
export {
  isReminderItError,
  isReminderItErrorCode,
  ReminderItError,
  type ReminderItErrorCode,
  type ReminderItErrorInit,
  toReminderItError,
} from './reminderit-error.js';
export { ALL_SCOPES, SCOPE_DESCRIPTIONS } from './scopes.js';
export { type FieldsResult, unwrap, withTypedErrors } from './typed-errors.js';
