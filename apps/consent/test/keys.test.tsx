import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { currentPath, keyRow, renderApp, screen, within } from './support.tsx';

describe('API keys page', () => {
  it('lists every key with its label, prefix, dates, the app it was issued to and status', async () => {
    renderApp('/keys', 'keysList');
    expect(await screen.findByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy();

    const claude = within(await keyRow('Claude (web connector)'));
    expect(claude.getByText('rmt_8kZ3qLwN…')).toBeTruthy();
    expect(claude.getByText('Connected app: claudeai')).toBeTruthy();
    expect(
      claude
        .getByText(/^Created/)
        .querySelector('time')
        ?.getAttribute('datetime'),
    ).toBe('2026-01-01T09:01:00Z');
    expect(
      claude
        .getByText(/^Last used/)
        .querySelector('time')
        ?.getAttribute('datetime'),
    ).toBe('2026-01-02T18:30:12Z');
    expect(claude.getByText('Active')).toBeTruthy();
    expect(claude.getByRole('button', { name: 'Revoke' })).toBeTruthy();

    const tablet = within(await keyRow('Kitchen tablet'));
    expect(tablet.getByText('Created by you')).toBeTruthy();
    expect(tablet.getByText('Last used Never')).toBeTruthy();

    const revoked = within(await keyRow('Home automation'));
    expect(revoked.getByText('Revoked')).toBeTruthy();
    expect(revoked.queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(screen.getAllByRole('row')).toHaveLength(4); // header + 3 keys
  });

  it('creates a key and shows its secret once, with a Copy button', async () => {
    const { user, state } = renderApp('/keys', 'keysList');
    await user.type(await screen.findByLabelText('Label'), 'Home assistant');
    await user.click(screen.getByLabelText('Create and cancel reminders that call your phone'));
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const secretBox = await screen.findByRole('region', { name: /Your new key “Home assistant”/ });
    const secret = (within(secretBox).getByLabelText('New API key') as HTMLInputElement).value;
    expect(secret).toMatch(/^rmt_/);
    expect(secretBox.textContent).toContain('This is the only time it will be shown.');
    expect(state.keys[0]).toMatchObject({ label: 'Home assistant', scopes: ['reminders:read', 'reminders:write'] });

    await user.click(within(secretBox).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(secret);
    expect(within(secretBox).getByRole('status').textContent).toBe('Copied.');

    // The new key is listed (prefix only) …
    expect(within(await keyRow('Home assistant')).getByText(`${secret.slice(0, 12)}…`)).toBeTruthy();
    // … and once dismissed, the secret is gone from the page.
    await user.click(within(secretBox).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('region', { name: /Your new key/ })).toBeNull();
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('asks for at least one scope before creating a key', async () => {
    const { user, state } = renderApp('/keys', 'keysList');
    await user.type(await screen.findByLabelText('Label'), 'Nothing at all');
    await user.click(screen.getByLabelText('See your reminders')); // unticks the default
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Choose at least one thing this key can do.');
    expect(state.keys).toHaveLength(3);
  });

  it('revokes a key only after confirmation, then shows it as revoked', async () => {
    const { user, state } = renderApp('/keys', 'keysList');
    const row = await keyRow('Claude (web connector)');
    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    expect(screen.getByText(/stops working immediately/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('button', { name: 'Yes, revoke' })).toBeNull();
    expect(state.keys[0]!.revoked_at).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    await user.click(screen.getByRole('button', { name: 'Yes, revoke' }));
    await waitFor(async () => expect(within(await keyRow('Claude (web connector)')).getByText('Revoked')).toBeTruthy());
    const after = within(await keyRow('Claude (web connector)'));
    expect(after.queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(after.queryByText('Active')).toBeNull();
    expect(state.keys[0]!.revoked_at).not.toBeNull();
    expect(screen.getByText('Claude (web connector) was revoked.')).toBeTruthy();
  });

  it('says when there are no keys yet', async () => {
    renderApp('/keys', 'noKeys');
    expect(await screen.findByText(/You have no API keys yet/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create key' })).toBeTruthy();
  });

  it('logs out from the header', async () => {
    const { user, state } = renderApp('/keys', 'keysList');
    await user.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe('/login');
    expect(state.session).toBeNull();
  });

  it('sends a signed-out browser to log in, coming back here afterwards', async () => {
    renderApp('/keys', 'signedOut');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe('/login?next=%2Fkeys');
  });

  it('goes to log in when a call answers 401 after the page loaded', async () => {
    const { user, state } = renderApp('/keys', 'keysList');
    const row = await keyRow('Kitchen tablet');
    state.session = null;
    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    await user.click(screen.getByRole('button', { name: 'Yes, revoke' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe('/login?next=%2Fkeys');
  });

  it('shows an error with a way to retry when the server fails', async () => {
    renderApp('/keys', 'serverError');
    expect(await screen.findByRole('heading', { level: 1, name: 'Something went wrong' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Something went wrong on our side/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
