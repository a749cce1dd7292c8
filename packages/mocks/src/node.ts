// The mocks in Node (Vitest, contract tests): MSW's setupServer with the handlers of one scenario.
import { contractText } from '@reminderit/openapi/contract';
import { type SetupServer, setupServer } from 'msw/node';
import { createMockApi, type HandlerOptions } from './handlers.ts';
import { defaultScenario, type Scenario, type ScenarioName } from './scenarios.ts';
import type { MockState } from './state.ts';

export interface MockServer {
  /** The underlying MSW server (for `server.use(...)` overrides in a test). */
  server: SetupServer;
  /** Start intercepting. A request no handler answers is an error, so nothing slips through to a real network. */
  listen(): void;
  close(): void;
  /** Switch to a scenario with a fresh state (also drops `server.use` overrides); returns that state. */
  useScenario(scenario: ScenarioName | Scenario): MockState;
}

export function setupMockServer(scenario: ScenarioName | Scenario = defaultScenario, handlerOptions: HandlerOptions = {}): MockServer {
  // Read lazily: suites that never ask for /openapi.yaml (e.g. the consent app's, in jsdom) never touch the file.
  const options = { openApiDocument: contractText, ...handlerOptions };
  const first = createMockApi(scenario, options);
  const server = setupServer(...first.handlers);
  return {
    server,
    listen: () => server.listen({ onUnhandledFrame: 'error' }),
    close: () => server.close(),
    useScenario(next) {
      const api = createMockApi(next, options);
      server.resetHandlers(...api.handlers);
      return api.state;
    },
  };
}

export { createHandlers, createMockApi } from './handlers.ts';
export * from './scenarios.ts';
