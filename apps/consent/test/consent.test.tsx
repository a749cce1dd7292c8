import { claudeCallback, fixtureState, hostileClientName, loopbackCallback, requestIds } from '@reminderit/mocks';
import { consentPagePath, loginPagePath } from '@reminderit/sdk';
import { describe, expect, it } from 'vitest';
import { currentPath, navigatedTo, renderApp, screen } from './support.tsx';

describe('consent page, Claude.ai', () => {
  it('shows who is asking, where the browser goes next and what the app may do', async () => {
    renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    const heading = await screen.findByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('claudeai wants to use your ReminderIt account');
    expect(screen.getByText('claude.ai', { selector: '.host' })).toBeTruthy();
    expect(screen.getByText('See your reminders')).toBeTruthy();
    expect(screen.getByText('Create and cancel reminders that call your phone')).toBeTruthy();
    expect(screen.getByText('Claude (web connector)')).toBeTruthy();
    expect(screen.queryByText(/this computer/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Deny' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Log out' })).toBeTruthy();
  });

  it('Allow sends the browser to the redirect URI with a code and the state', async () => {
    const { user, assign, state } = renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    await user.click(await screen.findByRole('button', { name: 'Allow' }));
    const to = new URL(await navigatedTo(assign));
    expect(to.origin + to.pathname).toBe(claudeCallback);
    expect(to.searchParams.get('code')).toBeTruthy();
    expect(to.searchParams.get('state')).toBe(fixtureState);
    expect(to.searchParams.get('iss')).toBe(window.location.origin);
    expect(state.codes.size).toBe(1);
    // While the browser leaves, a second click can't decide again.
    expect(screen.getByRole('button', { name: 'Allow' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Deny' })).toHaveProperty('disabled', true);
  });

  it('Deny sends the browser back with error=access_denied', async () => {
    const { user, assign, state } = renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    await user.click(await screen.findByRole('button', { name: 'Deny' }));
    const to = new URL(await navigatedTo(assign));
    expect(to.origin + to.pathname).toBe(claudeCallback);
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('code')).toBeNull();
    expect(state.codes.size).toBe(0);
  });

  it('works from the keyboard: Tab to Allow, Enter', async () => {
    const { user, assign } = renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    const allow = await screen.findByRole('button', { name: 'Allow' });
    while (document.activeElement !== allow) await user.tab();
    await user.keyboard('{Enter}');
    expect(new URL(await navigatedTo(assign)).searchParams.get('code')).toBeTruthy();
  });

  it('shows the expired page when the request runs out before the decision', async () => {
    const { user, assign, state } = renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    const allow = await screen.findByRole('button', { name: 'Allow' });
    state.pendingRequests.clear();
    await user.click(allow);
    expect(await screen.findByRole('heading', { level: 1, name: 'This request has expired' })).toBeTruthy();
    expect(assign).not.toHaveBeenCalled();
  });
});

describe('consent page, client identified by a Client ID Metadata Document', () => {
  it("names the document's host as the verified identity and client_name as the app's own claim", async () => {
    renderApp(consentPagePath(requestIds.metadataDocument), 'consentClaudeMetadataDocument');
    const heading = await screen.findByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Claude wants to use your ReminderIt account');
    const identity = screen.getByText('claude.ai', { selector: '.verified-host' });
    expect(identity.closest('section')?.textContent).toContain('Verified app identity');
    expect(identity.closest('section')?.textContent).toContain('The name “Claude” is what the app calls itself.');
    expect(screen.getByText('Claude (web connector)')).toBeTruthy();
    expect(screen.queryByText(/this computer/)).toBeNull();
  });

  it('shows no verified identity for a dynamically registered client', async () => {
    renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    await screen.findByRole('heading', { level: 1 });
    expect(screen.queryByText('Verified app identity')).toBeNull();
  });
});

describe('consent page, loopback client', () => {
  it('warns that the redirect goes to a program on this computer', async () => {
    const { user, assign } = renderApp(consentPagePath(requestIds.loopback), 'consentLoopback');
    const warning = await screen.findByRole('note');
    expect(warning.textContent).toContain('will send you back to a program on this computer (127.0.0.1:33418)');
    expect(warning.textContent).toContain('Only continue if you started this connection yourself.');
    expect(screen.getByText('127.0.0.1:33418', { selector: '.host' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Allow' }));
    expect((await navigatedTo(assign)).startsWith(`${loopbackCallback}?code=`)).toBe(true);
  });
});

describe('consent page, hostile client_name', () => {
  it('renders the name as literal text, never as HTML', async () => {
    const { container } = renderApp(consentPagePath(requestIds.hostile), 'consentHostileName');
    const heading = await screen.findByRole('heading', { level: 1 });
    expect(heading.textContent).toBe(`${hostileClientName} wants to use your ReminderIt account`);
    expect(container.querySelector('img')).toBeNull();
    expect(document.querySelector('img, script[src="x"], [onerror]')).toBeNull();
    // The key label (the same hostile string here) is text too.
    expect(screen.getByText(hostileClientName, { selector: 'strong' })).toBeTruthy();
  });
});

describe('consent page, expired or unknown request', () => {
  it('explains what happened and what to do', async () => {
    renderApp(consentPagePath(requestIds.expired), 'expiredRequest');
    expect(await screen.findByRole('heading', { level: 1, name: 'This request has expired' })).toBeTruthy();
    expect(screen.getByText(/Go back to the app you were connecting/).textContent).toContain('connect to ReminderIt again');
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
  });

  it.each(['/consent', '/consent?request_id=', '/consent?request_id=../../etc'])('treats %s as an unknown request', async (path) => {
    renderApp(path, 'consentClaude');
    expect(await screen.findByRole('heading', { level: 1, name: 'This request has expired' })).toBeTruthy();
  });
});

describe('consent page, signed out or failing', () => {
  it('sends a signed-out browser to log in, coming back afterwards', async () => {
    renderApp(consentPagePath(requestIds.claude), 'signedOut');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe(loginPagePath(consentPagePath(requestIds.claude)));
  });

  it('shows an error with a way to retry when the server fails', async () => {
    renderApp(consentPagePath(requestIds.claude), 'serverError');
    expect(await screen.findByRole('heading', { level: 1, name: 'Something went wrong' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Something went wrong on our side/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('goes to log in when the session ends before the decision', async () => {
    const { user, state, assign } = renderApp(consentPagePath(requestIds.claude), 'consentClaude');
    const allow = await screen.findByRole('button', { name: 'Allow' });
    state.session = null;
    await user.click(allow);
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe(loginPagePath(consentPagePath(requestIds.claude)));
    expect(assign).not.toHaveBeenCalled();
  });
});
