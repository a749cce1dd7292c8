import type { ScenarioName } from '@reminderit/mocks';
import { setupMockServer } from '@reminderit/mocks/node';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, vi } from 'vitest';
import { App } from '../src/App.tsx';
import { browser } from '../src/navigation.ts';

/** Relative handler paths resolve against jsdom's location, the app's own origin. */
export const mocks = setupMockServer('signedOut');

/** Renders the app at `path` against a fresh copy of `scenario`. */
export function renderApp(path: string, scenario: ScenarioName) {
  const state = mocks.useScenario(scenario);
  window.history.replaceState(null, '', path);
  // Full-page navigations (Allow/Deny, server routes) are observed instead of performed.
  const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  const user = userEvent.setup();
  const view = render(<App />);
  return { state, assign, user, ...view };
}

export const currentPath = () => window.location.pathname + window.location.search;

/** Waits for the one full-page navigation the app makes (`assign` from renderApp) and returns its URL. */
export async function navigatedTo(assign: ReturnType<typeof renderApp>['assign']): Promise<string> {
  await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
  return assign.mock.calls[0]![0];
}

/** The table row of the key with this label. */
export async function keyRow(label: string): Promise<HTMLElement> {
  const cell = await screen.findByText(label, { selector: '.key-label' });
  return cell.closest('tr') as HTMLElement;
}

export { screen, within };
