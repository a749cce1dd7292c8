// Every test file: the MSW node server answers the API (unhandled requests are errors), and the DOM is
// cleaned between tests.
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mocks } from './support.tsx';

beforeAll(() => mocks.listen());
afterEach(() => cleanup());
afterAll(() => mocks.close());
