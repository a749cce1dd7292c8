// Every test file: the MSW node server answers the API (unhandled requests are errors), and the DOM is
// cleaned between tests.
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mocks } from './support.tsx';

// findBy*/waitFor resolve as soon as the page shows what they look for; testing-library's 1 s default only
// bounds a page that never does, and is too short with the whole ./run test sharing 2 cores.
configure({ asyncUtilTimeout: 15_000 });

beforeAll(() => mocks.listen());
afterEach(() => cleanup());
afterAll(() => mocks.close());
