// What the mocks serve at /openapi.yaml: the contract with `servers` pointing at the mocks (its layout
// kept), or — for a caller that passes no contract — a valid document naming only the mock server.
import { contractText } from '@reminderit/openapi/contract';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mockOpenApiDocument } from '../src/handlers/docs.ts';

const ORIGIN = 'http://mocks.test';

describe('mockOpenApiDocument', () => {
  it('serves the contract unchanged except for servers, which name the mock origin', () => {
    const served = mockOpenApiDocument(ORIGIN, contractText());
    const original = parse(contractText());
    const document = parse(served);
    expect(document.servers).toEqual([{ url: ORIGIN, description: 'The MSW mock server.' }]);
    expect({ ...document, servers: original.servers }).toEqual(original);
    // Layout kept: the operations appear in the contract's order, as written.
    expect(served.indexOf('/register:')).toBeLessThan(served.indexOf('/token:'));
  });

  it('without a contract, describes only the mock server', () => {
    const document = parse(mockOpenApiDocument(ORIGIN));
    expect(document).toMatchObject({ openapi: '3.1.0', servers: [{ url: ORIGIN }], paths: {} });
  });
});
