// A fetch that answers every request with one canned response and records the requests it saw.
export function fakeFetch(respond: (request: Request) => Response): typeof fetch & { requests: Request[] } {
  const requests: Request[] = [];
  const f = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return respond(request);
  }) as typeof fetch & { requests: Request[] };
  f.requests = requests;
  return f;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
