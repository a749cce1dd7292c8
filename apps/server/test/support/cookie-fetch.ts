// A fetch that keeps cookies like a browser would (enough for one origin), and never follows redirects, so
// tests can read each Location.
export function cookieFetch(): typeof fetch & { cookies: Map<string, string> } {
  const cookies = new Map<string, string>();
  const f = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, { ...init, redirect: 'manual' });
    if (cookies.size > 0) {
      request.headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(request);
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }) as typeof fetch & { cookies: Map<string, string> };
  f.cookies = cookies;
  return f;
}
