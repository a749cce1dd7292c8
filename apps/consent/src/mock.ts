// Mock mode (`vite --mode mock`, never in a production build): the API is MSW in the browser, seeded from
// a named scenario of @reminderit/mocks. Pick one with `?scenario=<name>`; it sticks for the tab.
import { requestIds } from '@reminderit/mocks';
import { defaultScenario, isScenarioName, type ScenarioName, scenarioNames, startMockWorker } from '@reminderit/mocks/browser';
import { CONSENT_APP_ROUTES, consentPagePath } from '@reminderit/sdk';

const STORAGE_KEY = 'reminderit:mock-scenario';

function chooseScenario(): ScenarioName {
  const url = new URL(window.location.href);
  const asked = url.searchParams.get('scenario');
  if (asked !== null) {
    url.searchParams.delete('scenario');
    window.history.replaceState(null, '', url.pathname + url.search);
    if (isScenarioName(asked)) {
      sessionStorage.setItem(STORAGE_KEY, asked);
      return asked;
    }
    console.warn(`[mocks] unknown scenario "${asked}"; choose one of: ${scenarioNames.join(', ')}`);
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return isScenarioName(stored) ? stored : defaultScenario;
}

export async function startMocks(): Promise<void> {
  const scenario = chooseScenario();
  const { state } = await startMockWorker(scenario);
  console.info(`[mocks] other scenarios: ${scenarioNames.map((name) => `?scenario=${name}`).join(' ')}`);
  // Convenience: `/` opens the scenario's consent page, the page most scenarios are about.
  if (window.location.pathname === CONSENT_APP_ROUTES.home) {
    const pending = state.pendingRequests.keys().next().value ?? (scenario === 'expiredRequest' ? requestIds.expired : undefined);
    if (pending) window.history.replaceState(null, '', consentPagePath(pending));
  }
}
