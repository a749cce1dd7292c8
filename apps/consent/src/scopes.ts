// What each scope lets a key do, in the words the consent page uses: the SDK's one list, which the server's
// consent API and the mocks use too.
export { ALL_SCOPES as SCOPES, SCOPE_DESCRIPTIONS } from '@reminderit/sdk';
