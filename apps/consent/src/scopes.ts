// What each scope lets a key do, in the words the consent page uses: the SDK's one list, which the server's
// consent API and the mocks use too.
export { SCOPE_DESCRIPTIONS, ALL_SCOPES as SCOPES } from '@reminderit/sdk';
