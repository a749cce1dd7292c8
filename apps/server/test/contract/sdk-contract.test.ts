// SDK ⇄ server ⇄ mocks: the same partner journey, made of the same SDK calls, runs against the MSW mocks
// (packages/mocks) and against the real server over HTTP. Every answer on both sides is checked against
// openapi.yaml, and the two sides must agree step by step on the typed shape of each answer (status, media
// type, redirect path, JSON members and their types). A mock that drifts from the server — or a server that
// drifts from what partners develop against — fails here, naming the step.

import { setupMockServer } from '@reminderit/mocks/node';
import { checkResponse, findOperation, operations } from '@reminderit/openapi/spec-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ListeningTestApp, listenTestApp } from '../support/listening-app.ts';
import { mcpShape } from './mcp-shape.ts';
import { type JourneyStep, runPartnerJourney } from './partner-journey.ts';
import type { Exchange } from './recording-fetch.ts';
import { wireShape } from './wire-shape.ts';

const MOCK_ORIGIN = 'http://mocks.contract.test';

/** A fresh mocked server: no session, no clients, no keys, no reminders — as the real server starts. */
const mocks = setupMockServer(
  { description: 'Empty server for the contract suite.', signedIn: false, pendingRequests: [], keys: [], reminders: [] },
  { baseUrl: MOCK_ORIGIN },
);

function specProblems(exchange: Exchange): string[] {
  const operation = findOperation(exchange.method, exchange.path);
  if (!operation) return [`${exchange.method} ${exchange.path} is not an operation of the spec`];
  return checkResponse(operation, { status: exchange.status, headers: exchange.headers, body: exchange.text }).map(
    (p) => `${operation.operationId} → ${exchange.status}: ${p}`,
  );
}

const shapes = (steps: JourneyStep[]) => steps.map((s) => ({ step: s.name, answers: s.exchanges.map(wireShape) }));

describe('the SDK gets the same typed answers from the mocks and from the real server', () => {
  let viaMocks: JourneyStep[];
  let viaServer: JourneyStep[];
  let server: ListeningTestApp;

  beforeAll(async () => {
    mocks.listen();
    try {
      viaMocks = await runPartnerJourney(MOCK_ORIGIN);
    } finally {
      mocks.close(); // the real server's requests must go over the network, not to MSW
    }
    server = await listenTestApp();
    viaServer = await runPartnerJourney(server.base);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs the whole journey on both sides, one request per step', () => {
    expect(viaMocks.map((s) => s.name)).toEqual(viaServer.map((s) => s.name));
    for (const steps of [viaMocks, viaServer]) {
      for (const s of steps) expect(s.exchanges, s.name).toHaveLength(1);
    }
  });

  it('every mock answer conforms to the spec', () => {
    expect(viaMocks.flatMap((s) => s.exchanges.flatMap(specProblems))).toEqual([]);
  });

  it('every server answer conforms to the spec', () => {
    expect(viaServer.flatMap((s) => s.exchanges.flatMap(specProblems))).toEqual([]);
  });

  it('each step has the same typed shape on both sides', () => {
    expect(shapes(viaMocks)).toEqual(shapes(viaServer));
  });

  it('MCP answers carry the same tools and the same structured results on both sides', () => {
    const mcp = (steps: JourneyStep[]) =>
      steps.flatMap((s) => s.exchanges.filter((e) => e.path === '/mcp' && e.status === 200).map((e) => ({ step: s.name, mcp: mcpShape(e.text) })));
    expect(mcp(viaServer).length).toBeGreaterThanOrEqual(5);
    expect(mcp(viaMocks)).toEqual(mcp(viaServer));
  });

  it('serves the same contract at /openapi.yaml from both sides, each naming itself as the server', () => {
    const contract = (steps: JourneyStep[], origin: string) => {
      const document = parse(steps.find((s) => s.name === 'fetch the spec')!.exchanges[0]!.text);
      expect(document.servers).toEqual([expect.objectContaining({ url: origin })]);
      return { ...document, servers: undefined };
    };
    const fromServer = contract(viaServer, server.config.publicUrl);
    expect(Object.keys(fromServer.paths)).toContain('/token');
    expect(contract(viaMocks, MOCK_ORIGIN)).toEqual(fromServer);
  });

  it('calls every operation of the spec', () => {
    const called = new Set(viaServer.flatMap((s) => s.exchanges.map((e) => findOperation(e.method, e.path)?.operationId)));
    expect(operations.map((o) => o.operationId).filter((id) => !called.has(id))).toEqual([]);
  });

  it('exercises successes and errors alike (the comparison is not vacuous)', () => {
    const statuses = new Set(viaServer.flatMap((s) => s.exchanges.map((e) => e.status)));
    for (const status of [200, 201, 204, 302, 400, 401, 403, 405, 406]) expect(statuses).toContain(status);
    const errorCodes = viaServer.flatMap((s) => s.exchanges.filter((e) => e.status >= 400).map((e) => (JSON.parse(e.text) as { error: string }).error));
    expect(errorCodes).toEqual(expect.arrayContaining(['invalid_redirect_uri', 'invalid_grant', 'invalid_token', 'unauthorized']));
  });
});
