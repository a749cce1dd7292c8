// What a developer's shell may hold: the variables the server reads, set to values that break any test that
// picked them up (a port nobody may bind, an address not on this machine, a foreign issuer, no trusted
// redirects, the noisiest log level). Suites load setup-hostile-shell.ts so every test runs under them and
// must set what it needs itself — config from an explicit env object, children with an explicit env.
// DATABASE_URL / REDIS_URL are left alone: set, they legitimately add the real-backend suites.
export const HOSTILE_SHELL_ENV: Readonly<Record<string, string>> = {
  PORT: '1',
  HOST: '203.0.113.1', // TEST-NET-3 (RFC 5737): never this machine
  PUBLIC_URL: 'https://evil.invalid', // RFC 6761: never resolves
  LOG_LEVEL: 'trace',
  TRUSTED_REDIRECTS: '[]',
  DATA_DIR: '/nonexistent/rmt-hostile-data-dir',
  KV_PREFIX: 'hostile:',
  TRUST_PROXY: 'true',
};
