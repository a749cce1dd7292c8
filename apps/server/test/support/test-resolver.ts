// The resolver every test app fetches Client ID Metadata Documents with (oauth/safe-fetch.ts): no test looks a
// name up in real DNS (a fuzzed https client_id would otherwise reach the network). IP literals resolve to
// themselves and `localhost` to loopback; any other name fails as an unknown host does.
import { isIP } from 'node:net';
import type { Resolver } from '../../src/oauth/safe-fetch.ts';

export const testResolver: Resolver = async (hostname) => {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family !== 0) return [{ address: bare, family }];
  if (hostname.toLowerCase() === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (tests resolve no names)`), { code: 'ENOTFOUND' });
};
