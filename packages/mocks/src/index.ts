// @reminderit/mocks: MSW handlers, fixtures and named scenarios for every operation of openapi/openapi.yaml.
// Environment-specific setup lives in `@reminderit/mocks/node` (setupServer) and `@reminderit/mocks/browser`
// (setupWorker).
export * from './fixtures.ts';
export { createHandlers, createMockApi, type HandlerOptions, type MockApi } from './handlers.ts';
export { toMswPath } from './respond.ts';
export * from './scenarios.ts';
export type { MockState } from './state.ts';
