import { describe, expect, it } from 'vitest';
import { defaultTrustedRedirects, type TrustedRedirect } from '../src/config.ts';
import { checkRedirectUriShape, findRegisteredRedirect, isLoopbackRedirect, matchTrustedRedirect } from '../src/oauth/redirect-uris.ts';

const CLAUDE = 'https://claude.ai/api/mcp/auth_callback';

describe('checkRedirectUriShape (RFC 6749 §3.1.2, RFC 8252 §7.3)', () => {
  it.each([
    CLAUDE,
    'https://claude.com/api/mcp/auth_callback',
    'https://claude.ai/cb?x=1',
    'http://127.0.0.1:33418/callback',
    'http://[::1]:8080/callback',
    'http://localhost:6274/oauth/callback',
    'http://127.0.0.1/callback',
  ])('accepts %s', (uri) => {
    expect(checkRedirectUriShape(uri)).toBeUndefined();
  });

  it.each([
    ['a relative URI', '/api/mcp/auth_callback'],
    ['a fragment', 'https://claude.ai/cb#x'],
    ['an empty fragment', 'https://claude.ai/cb#'],
    ['userinfo', 'https://user:pw@claude.ai/cb'],
    ['an @ in the authority', 'https://claude.ai@evil.com/cb'],
    ['http on a non-loopback host', 'http://claude.ai/cb'],
    ['http on a host that merely starts like loopback', 'http://127.0.0.1.evil.com/cb'],
    ['a non-http scheme', 'javascript:alert(1)'],
    ['a custom scheme', 'com.example.app:/cb'],
    ['a backslash', 'https://claude.ai\\@evil.com/'],
    ['whitespace', 'https://claude.ai/ cb'],
    ['a percent-encoded host', 'https://claude%2Eai/cb'],
    ['an upper-case host', 'https://CLAUDE.ai/cb'],
    ['a numeric IPv4 shortcut', 'http://2130706433/cb'],
    ['an explicit default port', 'https://claude.ai:443/cb'],
    ['a scheme without slashes', 'https:claude.ai/cb'],
    ['more than 2000 characters', `https://claude.ai/${'a'.repeat(2000)}`],
  ])('refuses %s', (_what, uri) => {
    expect(checkRedirectUriShape(uri)).toEqual(expect.any(String));
  });
});

describe('isLoopbackRedirect', () => {
  it('is true only for http on 127.0.0.1, [::1] and localhost', () => {
    expect(isLoopbackRedirect('http://127.0.0.1:1234/cb')).toBe(true);
    expect(isLoopbackRedirect('http://[::1]/cb')).toBe(true);
    expect(isLoopbackRedirect('http://localhost:1234/cb')).toBe(true);
    expect(isLoopbackRedirect('https://localhost:1234/cb')).toBe(false);
    expect(isLoopbackRedirect('http://localhost.evil.com/cb')).toBe(false);
    expect(isLoopbackRedirect(CLAUDE)).toBe(false);
    expect(isLoopbackRedirect('not a url')).toBe(false);
  });
});

describe('matchTrustedRedirect', () => {
  const claudeEntry = defaultTrustedRedirects[0];

  it('matches claude.ai and claude.com callbacks to the web-connector entry', () => {
    expect(matchTrustedRedirect(defaultTrustedRedirects, CLAUDE)).toEqual(claudeEntry);
    expect(matchTrustedRedirect(defaultTrustedRedirects, 'https://claude.com/api/mcp/auth_callback')).toMatchObject({
      kind: 'exact',
      label: 'Claude (web connector)',
    });
  });

  // Issue 11 finding 2: the defaults used to take any path on claude.ai / claude.com.
  it.each([
    ['another path on claude.ai (an open redirect there)', 'https://claude.ai/login?returnTo=https%3A%2F%2Fevil.example'],
    ['the origin alone', 'https://claude.ai/'],
    ['an extra path segment', `${CLAUDE}/extra`],
    ['a trailing slash', `${CLAUDE}/`],
    ['a dot-segment back to the callback', 'https://claude.ai/api/mcp/x/../auth_callback'],
    ['an encoded dot-segment', 'https://claude.ai/api/mcp/x/%2e%2e/auth_callback'],
    ['a dot-segment away from the callback', `${CLAUDE}/../../../login`],
    ['a query', `${CLAUDE}?next=https://evil.example`],
    ['an empty query', `${CLAUDE}?`],
    ['a percent-encoded character of the path', 'https://claude.ai/api/mcp/auth%5Fcallback'],
    ['an encoded slash', 'https://claude.ai/api/mcp%2Fauth_callback'],
    ['an upper-case path', 'https://claude.ai/api/mcp/Auth_callback'],
    ['a user-content path on claude.com', 'https://claude.com/public/artifacts/x'],
  ])('refuses %s under the default list', (_what, uri) => {
    expect(matchTrustedRedirect(defaultTrustedRedirects, uri)).toBeUndefined();
  });

  it('matches loopback URIs on any port to the loopback entry', () => {
    expect(matchTrustedRedirect(defaultTrustedRedirects, 'http://127.0.0.1:54321/cb')).toEqual({ kind: 'loopback' });
    expect(matchTrustedRedirect(defaultTrustedRedirects, 'http://localhost:3000/cb')).toEqual({ kind: 'loopback' });
  });

  it.each([
    ['a look-alike suffix host', 'https://claude.ai.evil.com/cb'],
    ['userinfo naming the trusted host', 'https://claude.ai@evil.com/cb'],
    ['the trusted URL in the query', 'https://evil.com/?https://claude.ai/'],
    ['the trusted URL in the path', 'https://evil.com/https://claude.ai/cb'],
    ['a percent-encoded dot', 'https://claude%2Eai/cb'],
    ['a percent-encoded suffix', 'https://claude.ai%2Eevil.com/cb'],
    ['a backslash host trick', 'https://evil.com\\@claude.ai/cb'],
    ['a backslash before @', 'https://claude.ai\\@evil.com/cb'],
    ['a different port', 'https://claude.ai:8443/cb'],
    ['plain http', 'http://claude.ai/cb'],
    ['a subdomain', 'https://evil.claude.ai/cb'],
    ['a trailing-dot host', 'https://claude.ai./cb'],
    ['an untrusted host', 'https://evil.example/cb'],
    ['loopback over https', 'https://127.0.0.1:8443/cb'],
  ])('refuses %s', (_what, uri) => {
    expect(matchTrustedRedirect(defaultTrustedRedirects, uri)).toBeUndefined();
  });

  describe.each<{ rule: string; entry: TrustedRedirect; trusted: string[]; refused: string[] }>([
    {
      rule: 'needs the path inside a configured prefix, on segment boundaries',
      entry: { kind: 'prefix', origin: 'https://partner.example', pathPrefix: '/oauth', label: 'Partner' },
      trusted: ['https://partner.example/oauth', 'https://partner.example/oauth/cb'],
      refused: ['https://partner.example/oauthx', 'https://partner.example/other/cb', 'https://partner.example/oauth/../other', 'http://127.0.0.1:1234/cb'],
    },
    {
      rule: 'refuses dot-segments and encoded separators inside a prefix',
      entry: { kind: 'prefix', origin: 'https://partner.example', pathPrefix: '/oauth/', label: 'Partner' },
      trusted: ['https://partner.example/oauth/cb?x=1'],
      refused: [
        'https://partner.example/oauth/a/../cb',
        'https://partner.example/oauth/./cb',
        'https://partner.example/oauth/%2e%2e/x',
        'https://partner.example/oauth/..%2F..%2Fother',
        'https://partner.example/oauth/%5C..%5Cother',
      ],
    },
    {
      rule: 'matches an exact entry character for character',
      entry: { kind: 'exact', uri: 'https://partner.example/oauth/cb', label: 'Partner' },
      trusted: ['https://partner.example/oauth/cb'],
      refused: [
        'https://partner.example/oauth/cb/',
        'https://partner.example/oauth/cb?x',
        'https://partner.example/oauth/cb/x',
        'https://partner.example/oauth',
      ],
    },
  ])('one $entry.kind entry: $rule', ({ entry, trusted, refused }) => {
    it.each(trusted)('matches %s to the entry', (uri) => {
      expect(matchTrustedRedirect([entry], uri)).toEqual(entry);
    });
    it.each(refused)('refuses %s', (uri) => {
      expect(matchTrustedRedirect([entry], uri)).toBeUndefined();
    });
  });
});

describe('findRegisteredRedirect (RFC 6749 §3.1.2.3, RFC 8252 §7.3)', () => {
  it('returns the registered URI on an exact match', () => {
    expect(findRegisteredRedirect([CLAUDE], CLAUDE)).toBe(CLAUDE);
  });

  it('refuses a trailing-slash difference', () => {
    expect(findRegisteredRedirect([CLAUDE], `${CLAUDE}/`)).toBeUndefined();
    expect(findRegisteredRedirect(['http://127.0.0.1:1234/cb/'], 'http://127.0.0.1:1234/cb')).toBeUndefined();
  });

  it('refuses case, query and https port differences', () => {
    expect(findRegisteredRedirect([CLAUDE], CLAUDE.toUpperCase())).toBeUndefined();
    expect(findRegisteredRedirect([CLAUDE], `${CLAUDE}?x=1`)).toBeUndefined();
    expect(findRegisteredRedirect([CLAUDE], 'https://claude.ai:8443/api/mcp/auth_callback')).toBeUndefined();
    expect(findRegisteredRedirect(['https://claude.ai:8443/cb'], 'https://claude.ai:9443/cb')).toBeUndefined();
  });

  it('lets the port of an http loopback URI differ', () => {
    expect(findRegisteredRedirect(['http://127.0.0.1:33418/callback'], 'http://127.0.0.1:51234/callback')).toBe('http://127.0.0.1:33418/callback');
    expect(findRegisteredRedirect(['http://127.0.0.1/callback'], 'http://127.0.0.1:51234/callback')).toBe('http://127.0.0.1/callback');
    expect(findRegisteredRedirect(['http://[::1]:1/cb?a=b'], 'http://[::1]:2/cb?a=b')).toBe('http://[::1]:1/cb?a=b');
    expect(findRegisteredRedirect(['http://localhost:1/cb'], 'http://localhost:2/cb')).toBe('http://localhost:1/cb');
  });

  it('refuses loopback path, query and host differences', () => {
    const registered = ['http://127.0.0.1:33418/callback?x=1'];
    expect(findRegisteredRedirect(registered, 'http://127.0.0.1:5000/other?x=1')).toBeUndefined();
    expect(findRegisteredRedirect(registered, 'http://127.0.0.1:5000/callback?x=2')).toBeUndefined();
    expect(findRegisteredRedirect(registered, 'http://127.0.0.1:5000/callback')).toBeUndefined();
    expect(findRegisteredRedirect(registered, 'http://[::1]:5000/callback?x=1')).toBeUndefined();
  });

  it('treats localhost and 127.0.0.1 as different hosts', () => {
    expect(findRegisteredRedirect(['http://127.0.0.1:1234/cb'], 'http://localhost:1234/cb')).toBeUndefined();
    expect(findRegisteredRedirect(['http://localhost:1234/cb'], 'http://127.0.0.1:1234/cb')).toBeUndefined();
  });

  it('does not extend port freedom to https loopback or non-loopback hosts', () => {
    expect(findRegisteredRedirect(['https://localhost:1/cb'], 'https://localhost:2/cb')).toBeUndefined();
    expect(findRegisteredRedirect(['http://127.0.0.1:1/cb'], 'https://127.0.0.1:2/cb')).toBeUndefined();
  });

  it('returns nothing for an empty registration or a malformed candidate', () => {
    expect(findRegisteredRedirect([], CLAUDE)).toBeUndefined();
    expect(findRegisteredRedirect(['http://127.0.0.1:1/cb'], 'http://127.0.0.1:2/cb#frag')).toBeUndefined();
    expect(findRegisteredRedirect(['http://127.0.0.1:1/cb'], 'http://user@127.0.0.1:2/cb')).toBeUndefined();
  });
});
