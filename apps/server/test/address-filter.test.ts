// The SSRF address filter (oauth/address-filter.ts) and the fetch that applies it (oauth/safe-fetch.ts). Every
// name is resolved by an injected resolver: no test here asks real DNS, and none connects anywhere but the
// loopback test server (a refused address is refused inside the lookup, before any connection is attempted).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { blockedAddressReason, isLoopbackAddress } from '../src/oauth/address-filter.ts';
import { FetchRefusedError, type Resolver, type SafeFetchOptions, safeFetch } from '../src/oauth/safe-fetch.ts';

const BLOCKED = [
  ['0.0.0.0', /unspecified/],
  ['10.1.2.3', /private/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.100.100.200', /carrier-grade NAT/], // Alibaba Cloud metadata
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['169.254.169.254', /link-local \/ cloud metadata/], // AWS, GCP, Azure metadata
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.192', /IETF/], // Oracle Cloud metadata
  ['192.0.2.10', /documentation/],
  ['192.168.1.1', /private/],
  ['198.18.0.1', /benchmarking/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['224.0.0.251', /multicast/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /broadcast/],
  ['::', /unspecified/],
  ['::1', /loopback/],
  ['::ffff:127.0.0.1', /loopback.*embedded in IPv6/],
  ['::ffff:7f00:1', /loopback.*embedded in IPv6/],
  ['::ffff:169.254.169.254', /metadata.*embedded in IPv6/],
  ['::ffff:0:10.0.0.1', /private.*embedded in IPv6/], // SIIT
  ['::10.0.0.1', /private.*embedded in IPv6/], // IPv4-compatible
  ['64:ff9b::a9fe:a9fe', /metadata.*embedded in IPv6/], // NAT64 of 169.254.169.254
  ['64:ff9b::192.168.0.1', /private.*embedded in IPv6/],
  ['64:ff9b:1::1', /NAT64/],
  ['2002:c0a8:0101::1', /private.*embedded in IPv6/], // 6to4 of 192.168.1.1
  ['2001:db8::1', /documentation/],
  ['2001::1', /Teredo/],
  ['fc00::1', /unique local/],
  ['fd00:ec2::254', /unique local.*metadata/], // AWS IPv6 metadata
  ['fe80::1', /link-local/],
  ['febf:ffff::1', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['100::1', /discard/],
  ['fe80::1%eth0', /zone/],
  ['not-an-ip', /not an IP/],
] as const;

const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '160.79.104.10',
  '100.63.255.255',
  '100.128.0.0',
  '172.32.0.1',
  '2607:6bc0::10',
  '2a00:1450:4007:80e::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('address filter', () => {
  it.each(BLOCKED)('refuses %s', (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each(ALLOWED)('allows the public address %s', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });

  it('recognises loopback in every form, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['10.0.0.1', '::', '::2', 'fe80::1', '8.8.8.8', 'localhost']) expect(isLoopbackAddress(a)).toBe(false);
  });
});

/** A resolver that answers from a table and records what it was asked. */
function fakeResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as Resolver & { asked: string[] };
  resolve.asked = asked;
  return resolve;
}

const options = (resolve: Resolver, extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  resolve,
  timeoutMs: 2000,
  maxBytes: 5120,
  allowLoopback: false,
  ...extra,
});

async function refusal(url: string, opts: SafeFetchOptions): Promise<string> {
  const err = await safeFetch(new URL(url), opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchRefusedError);
  return (err as Error).message;
}

describe('safe fetch with an injected resolver (nothing is connected to)', () => {
  it.each([
    ['metadata.example', ['169.254.169.254']],
    ['intranet.example', ['10.0.0.5']],
    ['cgnat.example', ['100.64.1.1']],
    ['v6-ula.example', ['fd12:3456::1']],
    ['v6-link-local.example', ['fe80::abcd']],
    ['mapped.example', ['::ffff:192.168.0.10']],
    ['nat64.example', ['64:ff9b::a00:1']],
    ['rebind.example', ['93.184.215.14', '127.0.0.1']], // one bad address among good ones is enough
  ])('refuses https://%s, which resolves to %j', async (host, addresses) => {
    const resolve = fakeResolver({ [host]: addresses });
    expect(await refusal(`https://${host}/oauth/client.json`, options(resolve))).toMatch(/its host resolves to a .* address/);
    expect(resolve.asked).toEqual([host]);
  });

  it.each([
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.1/c.json',
    'https://[::1]/c.json',
    'https://[::ffff:a9fe:a9fe]/c.json',
    'https://0.0.0.0/c.json',
  ])('refuses the IP literal %s without resolving it', async (url) => {
    const resolve = fakeResolver({});
    expect(await refusal(url, options(resolve))).toMatch(/its host is a .* address/);
    expect(resolve.asked).toEqual([]);
  });

  it('refuses plain http and other schemes, loopback included, when loopback is not allowed', async () => {
    const resolve = fakeResolver({ 'app.example': ['93.184.215.14'] });
    expect(await refusal('http://app.example/c.json', options(resolve))).toMatch(/must be served over https/);
    expect(await refusal('http://127.0.0.1/c.json', options(resolve))).toMatch(/must be served over https/);
    expect(await refusal('ftp://app.example/c.json', options(resolve))).toMatch(/must be served over https/);
    expect(resolve.asked).toEqual([]);
  });

  it('with loopback allowed, lets a loopback name reach loopback only, and a public name still not', async () => {
    const resolve = fakeResolver({ 'sneaky.example': ['127.0.0.1'] });
    expect(await refusal('https://sneaky.example/c.json', options(resolve, { allowLoopback: true }))).toMatch(/loopback/);
    const intranet = fakeResolver({ localhost: ['10.0.0.1'] });
    expect(await refusal('http://localhost:1/c.json', options(intranet, { allowLoopback: true }))).toMatch(/private/);
  });

  it('connects to the address the resolver returned (the name is never resolved again)', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // `localhost` is resolved by the fake resolver only; the system resolver would also answer ::1.
      const resolve = fakeResolver({ localhost: ['127.0.0.1'] });
      const res = await safeFetch(new URL(`http://localhost:${port}/c.json`), options(resolve, { allowLoopback: true }));
      expect(JSON.parse(res.body)).toEqual({ ok: true });
      expect(resolve.asked).toEqual(['localhost']);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
