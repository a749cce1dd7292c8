import { adaPassword, requestIds } from '@reminderit/mocks';
import { consentPagePath, loginPagePath, signupPagePath } from '@reminderit/sdk';
import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { currentPath, renderApp, screen } from './support.tsx';

const consentPath = consentPagePath(requestIds.claude);

async function logIn(user: ReturnType<typeof renderApp>['user'], password = adaPassword) {
  await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Log in' }));
}

describe('log in page', () => {
  it('logs in and returns to the pending consent request', async () => {
    const { user } = renderApp(loginPagePath(consentPath), 'signedOut');
    expect(screen.getByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(screen.getByText(/continue connecting your app/)).toBeTruthy();
    await logIn(user);
    expect(await screen.findByRole('button', { name: 'Allow' })).toBeTruthy();
    expect(currentPath()).toBe(consentPath);
  });

  it('shows an error for a wrong password and stays on the page', async () => {
    const { user } = renderApp(loginPagePath(consentPath), 'signedOut');
    await logIn(user, 'not the right password');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password.');
    expect(currentPath()).toBe(loginPagePath(consentPath));
    expect(screen.getByRole('button', { name: 'Log in' })).toHaveProperty('disabled', false);
  });

  it.each(['//evil.com', '/\\evil.com', 'https://evil.com/keys', '/\t/evil.com', 'javascript:alert(1)'])(
    'ignores next=%j and goes to the API keys page',
    async (next) => {
      const { user, assign } = renderApp(loginPagePath(next), 'signedOut');
      await logIn(user);
      expect(await screen.findByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy();
      expect(currentPath()).toBe('/keys');
      expect(assign).not.toHaveBeenCalled();
    },
  );

  it('goes to the API keys page when there is no next', async () => {
    const { user } = renderApp('/login', 'signedOut');
    await logIn(user);
    expect(await screen.findByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy();
  });

  it('hands a server route (/authorize) back to the server with a full navigation', async () => {
    const authorize = '/authorize?response_type=code&client_id=c_7Kq2xV9mNp4RtW8sLb3Y';
    const { user, assign } = renderApp(loginPagePath(authorize), 'signedOut');
    await logIn(user);
    await waitFor(() => expect(assign).toHaveBeenCalledWith(authorize));
  });

  it('links to sign up, keeping where to go next', async () => {
    const { user } = renderApp(loginPagePath(consentPath), 'signedOut');
    await user.click(screen.getByRole('link', { name: 'Sign up' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Create your ReminderIt account' })).toBeTruthy();
    expect(currentPath()).toBe(signupPagePath(consentPath));
  });

  it('says so when the server fails, instead of showing nothing', async () => {
    const { user } = renderApp('/login', 'serverError');
    await logIn(user);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Something went wrong on our side/);
  });

  it('can be used with the keyboard alone', async () => {
    const { user } = renderApp(loginPagePath(consentPath), 'signedOut');
    await user.tab(); // the header has no links when signed out: Email comes first
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    await user.keyboard('ada@example.com');
    await user.tab();
    await user.keyboard(adaPassword);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('button', { name: 'Allow' })).toBeTruthy();
  });
});
