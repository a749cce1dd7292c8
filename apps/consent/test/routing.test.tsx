import { describe, expect, it } from 'vitest';
import { safeNext } from '../src/navigation.ts';
import { currentPath, renderApp, screen } from './support.tsx';

describe('routes', () => {
  it('/ goes to the API keys page when signed in', async () => {
    renderApp('/', 'keysList');
    expect(await screen.findByRole('heading', { level: 1, name: 'API keys' })).toBeTruthy();
    expect(currentPath()).toBe('/keys');
  });

  it('/ goes to log in when signed out', async () => {
    renderApp('/', 'signedOut');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
    expect(currentPath()).toBe('/login');
  });

  it('/ shows an error, not a blank page, when the server fails', async () => {
    renderApp('/', 'serverError');
    expect(await screen.findByRole('heading', { level: 1, name: 'Something went wrong' })).toBeTruthy();
  });

  it('an unknown path gets a not-found page', async () => {
    renderApp('/nope', 'keysList');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to ReminderIt' }).getAttribute('href')).toBe('/');
  });

  it('moves focus to the new page heading after an in-app navigation', async () => {
    const { user } = renderApp('/login', 'signedOut');
    await user.click(screen.getByRole('link', { name: 'Sign up' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Create your ReminderIt account' });
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe('Sign up · ReminderIt');
  });

  it('the browser Back button shows the previous page', async () => {
    const { user } = renderApp('/login', 'signedOut');
    await user.click(screen.getByRole('link', { name: 'Sign up' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Create your ReminderIt account' })).toBeTruthy();
    window.history.back();
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in to ReminderIt' })).toBeTruthy();
  });
});

describe('safeNext', () => {
  it.each([
    ['/consent?request_id=pr_3Xb9LmQ2vK8wN5tR1yZ4cF7h', '/consent?request_id=pr_3Xb9LmQ2vK8wN5tR1yZ4cF7h'],
    ['/keys', '/keys'],
    ['/authorize?client_id=c&state=a%20b', '/authorize?client_id=c&state=a%20b'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    null,
    '',
    'keys',
    '//evil.com',
    '/\\evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    'https://evil.com',
    'http://localhost:3000.evil.com/',
    'javascript:alert(1)',
    '/%0a/x\\y',
  ])('replaces %j with /keys', (next) => {
    expect(safeNext(next)).toBe('/keys');
  });
});
