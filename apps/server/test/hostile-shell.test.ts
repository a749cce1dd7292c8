// The suites must not depend on the caller's shell: they all run with the server's variables set to values
// that would break them (@reminderit/testkit's HOSTILE_SHELL_ENV, vitest.config.ts), and the apps tests build
// still take their config only from the env object they are given.
import { HOSTILE_SHELL_ENV } from '@reminderit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListeningTestApp, listenTestApp } from './support/listening-app.ts';

describe('a hostile shell', () => {
  let t: ListeningTestApp;
  beforeAll(async () => {
    t = await listenTestApp();
  });
  afterAll(() => t?.close());

  it('is what every test here runs in', () => {
    for (const [name, value] of Object.entries(HOSTILE_SHELL_ENV)) expect(process.env[name], name).toBe(value);
  });

  it('reaches neither the config of a test app nor what it serves', async () => {
    expect(t.config.publicUrl).toBe(t.base);
    expect(t.config.port).not.toBe(1);
    expect(t.config.logLevel).toBe('info');
    expect(t.config.trustProxy).toBe(false);
    const metadata = (await (await fetch(`${t.base}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(metadata.issuer).toBe(t.base);
    // The default trusted list (loopback included) is in force, not the shell's empty one.
    const registered = await fetch(`${t.base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'shell check', redirect_uris: ['http://127.0.0.1:8976/callback'], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
  });
});
