// A test app listening on 127.0.0.1 with PUBLIC_URL = its own address (issuer, resource and every URL it
// hands out point at it), for tests that talk to it over real HTTP or from a browser. Ready when this
// resolves: listen() has bound the port. A port lost to another suite between picking and listening is
// retried with a fresh one.
import { freePort, isAddressInUse } from '@reminderit/testkit';
import { buildTestApp, type TestApp } from './test-app.ts';

export interface ListeningTestApp extends TestApp {
  /** `http://127.0.0.1:<port>`, also the app's PUBLIC_URL unless the env passed sets one. */
  base: string;
}

export async function listenTestApp(opts: Parameters<typeof buildTestApp>[0] = {}): Promise<ListeningTestApp> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t = await buildTestApp({ ...opts, env: { PUBLIC_URL: base, ...opts.env } });
    try {
      await t.app.listen({ port, host: '127.0.0.1' });
      return { ...t, base };
    } catch (err) {
      await t.close();
      if (!isAddressInUse(err) || attempt >= 3) throw err;
    }
  }
}
