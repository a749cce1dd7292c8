import { expect } from 'vitest';

interface ErrorResponse {
  statusCode: number;
  json(): unknown;
  headers: Record<string, unknown>;
}

/**
 * Every error leaves as exactly `{ error, error_description }` with the given status and code, uncached, and
 * without internals (stack frames, file paths).
 */
export function expectOAuthError(res: ErrorResponse, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(code);
  expect(typeof body.error_description).toBe('string');
  expect(String(body.error_description)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  expect(res.headers['cache-control']).toBe('no-store');
}
