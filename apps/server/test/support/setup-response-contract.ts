// Vitest setup file: a test fails when a response the server sent during it (or during the hooks that
// ran before it) broke the contract — see response-contract.ts.
import { afterAll, afterEach } from 'vitest';
import { formatViolations, takeResponseViolations } from './response-contract.ts';

function failOnViolations(): void {
  const violations = takeResponseViolations();
  if (violations.length > 0) {
    throw new Error(`The server sent responses that openapi.yaml does not allow:\n${formatViolations(violations)}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);
