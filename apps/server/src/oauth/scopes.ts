// The scopes this server grants (RFC 6749 §3.3), advertised in both metadata documents (RFC 8414 §2,
// RFC 9728 §2) and described in plain words on the consent page. The one list lives in the SDK, shared with
// the consent app and the mocks.
export { ALL_SCOPES as SUPPORTED_SCOPES, SCOPE_DESCRIPTIONS as SCOPES } from '@reminderit/sdk';
