// createHandlers(scenario): MSW request handlers for every operation of openapi/openapi.yaml, sharing one
// in-memory state seeded from the scenario. Call it again (or server.resetHandlers(...)) for a fresh state.
import type { HttpHandler } from 'msw';
import { accountHandlers } from './handlers/account.ts';
import { consentHandlers } from './handlers/consent.ts';
import { docsHandlers } from './handlers/docs.ts';
import { healthHandlers } from './handlers/health.ts';
import { keyHandlers } from './handlers/keys.ts';
import { mcpHandlers } from './handlers/mcp.ts';
import { oauthHandlers } from './handlers/oauth.ts';
import { reminderHandlers } from './handlers/reminders.ts';
import { createRouter } from './respond.ts';
import { type Scenario, type ScenarioName, scenarios } from './scenarios.ts';
import { createState, type MockState } from './state.ts';

export interface HandlerOptions {
  /**
   * Origin (and optional path prefix) the API is served from, e.g. `http://localhost:3000`. Default: the
   * page's own origin (relative paths), which is what the consent app uses in the browser and in jsdom.
   */
  baseUrl?: string;
  /**
   * The contract's YAML text (or a function returning it, read when first asked for), served at
   * `/openapi.yaml` with `servers` set to the mock's origin (as the real server sets PUBLIC_URL).
   * `@reminderit/mocks/node` and `/browser` pass openapi/openapi.yaml; without it the mocks describe only
   * themselves (an OpenAPI document with no paths).
   */
  openApiDocument?: string | (() => string);
}

export interface MockApi {
  handlers: HttpHandler[];
  /** The live state, for tests that want to look behind the API (e.g. was the key really revoked?). */
  state: MockState;
}

/** Handlers plus their state. */
export function createMockApi(scenario: ScenarioName | Scenario, options: HandlerOptions = {}): MockApi {
  const state = createState(typeof scenario === 'string' ? scenarios[scenario] : scenario);
  const on = createRouter(state, options.baseUrl ?? '');
  const handlers = [
    ...oauthHandlers(on, state),
    ...accountHandlers(on, state),
    ...consentHandlers(on, state),
    ...keyHandlers(on, state),
    ...reminderHandlers(on, state),
    ...mcpHandlers(on, state),
    ...healthHandlers(on),
    ...docsHandlers(on, options.openApiDocument),
  ];
  return { handlers, state };
}

/** MSW handlers for every operation of the spec, answering as in `scenario`. */
export function createHandlers(scenario: ScenarioName | Scenario, options: HandlerOptions = {}): HttpHandler[] {
  return createMockApi(scenario, options).handlers;
}
