// Kept for suites that import it from here: the one implementation is @reminderit/testkit's.
export { freePort } from '@reminderit/testkit';
