import { requestIds } from '@reminderit/mocks';
import { consentPagePath, loginPagePath, signupPagePath } from '@reminderit/sdk';
import { describe, expect, it } from 'vitest';
import { currentPath, renderApp, screen } from './support.tsx';

const consentPath = consentPagePath(requestIds.claude);

describe('sign up page', () => {
  it('creates an account and continues to the pending consent request', async () => {
    const { user, state } = renderApp(signupPagePath(consentPath), 'signedOut');
    expect(screen.getByRole('heading', { level: 1, name: 'Create your ReminderIt account' })).toBeTruthy();
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.type(screen.getByLabelText('Password'), 'a long and lovely password');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByRole('button', { name: 'Allow' })).toBeTruthy();
    expect(currentPath()).toBe(consentPath);
    expect(state.session?.user.email).toBe('grace@example.com');
    expect(screen.getByText('grace@example.com', { selector: '.who' })).toBeTruthy();
  });

  it('explains when the email already has an account', async () => {
    const { user } = renderApp('/signup', 'signedOut');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'a long and lovely password');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/already exists/);
    expect(currentPath()).toBe('/signup');
  });

  it('tells the user how long the password must be', () => {
    renderApp('/signup', 'signedOut');
    const password = screen.getByLabelText('Password');
    expect(password.getAttribute('minlength')).toBe('10');
    expect(document.getElementById(password.getAttribute('aria-describedby')!)?.textContent).toBe('At least 10 characters.');
  });

  it('links to log in, keeping where to go next', async () => {
    const { user } = renderApp(signupPagePath(consentPath), 'signedOut');
    await user.click(screen.getByRole('link', { name: 'Log in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe(loginPagePath(consentPath));
  });
});
