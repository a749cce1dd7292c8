import { describe, expect, it } from 'vitest';
import { ConfigError, defaultTrustedRedirects, loadConfig } from '../src/config.ts';

describe('config', () => {
  it('defaults to port 3000, PUBLIC_URL http://localhost:$PORT and the embedded stores', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.mcpResource).toBe('http://localhost:3000/mcp');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir).toBe('/srv/app/.data/pglite');
    expect(c.trustedRedirects).toEqual(defaultTrustedRedirects);
    expect(c.codeTtlSeconds).toBe(60);
    expect(c.authRequestTtlSeconds).toBe(600);
    expect(c.secureCookies).toBe(false);
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from an explicit one', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    const c = loadConfig({ PUBLIC_URL: 'https://rmt.example/' });
    expect(c.publicUrl).toBe('https://rmt.example');
    expect(c.secureCookies).toBe(true);
  });

  it('reads backends and DATA_DIR', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', DATA_DIR: '/var/lib/rmt' });
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.redisUrl).toBe('redis://h:6379');
    expect(c.dataDir).toBe('/var/lib/rmt');
  });

  it('parses a custom trusted-redirect list', () => {
    const c = loadConfig({
      TRUSTED_REDIRECTS: JSON.stringify([{ prefix: 'https://partner.example/oauth/', label: 'Partner' }, { loopback: true }]),
    });
    expect(c.trustedRedirects).toEqual([{ kind: 'prefix', origin: 'https://partner.example', pathPrefix: '/oauth/', label: 'Partner' }, { kind: 'loopback' }]);
  });

  it("allows PUBLIC_URL's origin and Claude's web origins to call /mcp by default, or MCP_ALLOWED_ORIGINS", () => {
    expect(loadConfig({ PUBLIC_URL: 'https://rmt.example:8443/' }).mcpAllowedOrigins).toEqual([
      'https://rmt.example:8443',
      'https://claude.ai',
      'https://claude.com',
    ]);
    const c = loadConfig({ MCP_ALLOWED_ORIGINS: ' https://app.example , http://127.0.0.1:5173/' });
    expect(c.mcpAllowedOrigins).toEqual(['https://app.example', 'http://127.0.0.1:5173']);
  });

  it.each(['https://app.example/path', 'ftp://files.example', 'not a url', ' , '])('refuses MCP_ALLOWED_ORIGINS=%j', (value) => {
    expect(() => loadConfig({ MCP_ALLOWED_ORIGINS: value })).toThrow(/MCP_ALLOWED_ORIGINS/);
  });

  it('fetches Client ID Metadata Documents from loopback hosts only with CIMD_ALLOW_LOOPBACK_HTTP=true', () => {
    expect(loadConfig({}).cimdAllowLoopbackHttp).toBe(false);
    expect(loadConfig({ CIMD_ALLOW_LOOPBACK_HTTP: 'false' }).cimdAllowLoopbackHttp).toBe(false);
    expect(loadConfig({ CIMD_ALLOW_LOOPBACK_HTTP: 'true' }).cimdAllowLoopbackHttp).toBe(true);
    expect(() => loadConfig({ CIMD_ALLOW_LOOPBACK_HTTP: 'yes' })).toThrow(/CIMD_ALLOW_LOOPBACK_HTTP/);
  });

  it('parses exact entries and defaults to the exact Claude callbacks', () => {
    expect(defaultTrustedRedirects).toEqual([
      { kind: 'exact', uri: 'https://claude.ai/api/mcp/auth_callback', label: 'Claude (web connector)' },
      { kind: 'exact', uri: 'https://claude.com/api/mcp/auth_callback', label: 'Claude (web connector)' },
      { kind: 'loopback' },
    ]);
    const c = loadConfig({ TRUSTED_REDIRECTS: JSON.stringify([{ exact: 'https://partner.example/cb', label: 'Partner' }]) });
    expect(c.trustedRedirects).toEqual([{ kind: 'exact', uri: 'https://partner.example/cb', label: 'Partner' }]);
  });

  it.each([
    ['http', { exact: 'http://partner.example/cb', label: 'x' }],
    ['a query', { exact: 'https://partner.example/cb?x=1', label: 'x' }],
    ['a fragment', { exact: 'https://partner.example/cb#x', label: 'x' }],
    ['dot-segments', { exact: 'https://partner.example/a/../cb', label: 'x' }],
    ['an upper-case host', { prefix: 'https://PARTNER.example/', label: 'x' }],
    ['both exact and prefix', { exact: 'https://partner.example/cb', prefix: 'https://partner.example/', label: 'x' }],
    ['no label', { exact: 'https://partner.example/cb' }],
  ])('refuses a trusted-redirect entry with %s', (_what, entry) => {
    expect(() => loadConfig({ TRUSTED_REDIRECTS: JSON.stringify([entry]) })).toThrow(/TRUSTED_REDIRECTS/);
  });

  it('reads the bearer key cache and last_used_at batching settings', () => {
    const defaults = loadConfig({});
    expect([defaults.keyCacheTtlSeconds, defaults.keyCacheMaxEntries, defaults.keyUsageFlushSeconds]).toEqual([30, 10_000, 10]);
    const set = loadConfig({ KEY_CACHE_TTL_SECONDS: '0', KEY_CACHE_MAX_ENTRIES: '500', KEY_USAGE_FLUSH_SECONDS: '2' });
    expect([set.keyCacheTtlSeconds, set.keyCacheMaxEntries, set.keyUsageFlushSeconds]).toEqual([0, 500, 2]);
    expect(() => loadConfig({ KEY_CACHE_TTL_SECONDS: '301' })).toThrow(/KEY_CACHE_TTL_SECONDS/);
    expect(() => loadConfig({ KEY_USAGE_FLUSH_SECONDS: '0' })).toThrow(/KEY_USAGE_FLUSH_SECONDS/);
  });

  it('refuses bad values, naming every one', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        CODE_TTL_SECONDS: '600',
        TRUSTED_REDIRECTS: '[{"prefix":"http://evil.example/","label":"x"}]',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'CODE_TTL_SECONDS', 'TRUSTED_REDIRECTS']) expect(msg).toContain(name);
    }
  });
});
