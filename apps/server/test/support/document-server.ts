// A loopback server publishing Client ID Metadata Documents for tests (http, or https with a throw-away
// self-signed certificate for 127.0.0.1): each path answers as its handler says, and every request is
// counted per path. Listens on 127.0.0.1 only; ready when the promise resolves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type DocumentHandler = (req: IncomingMessage, res: ServerResponse, url: string) => void;

export interface DocumentServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  /** The PEM certificate clients must trust (https only). */
  ca: string | undefined;
  route(pathname: string, handler: DocumentHandler): string;
  hits(pathname: string): number;
  close(): Promise<void>;
}

/** A self-signed certificate for IP 127.0.0.1, made with the openssl CLI (valid one day). */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cimd-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startDocumentServer(opts: { https?: boolean } = {}): Promise<DocumentServer> {
  const routes = new Map<string, DocumentHandler>();
  const counts = new Map<string, number>();
  let origin = '';
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(pathname, (counts.get(pathname) ?? 0) + 1);
    const handler = routes.get(pathname);
    if (!handler) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    else handler(req, res, `${origin}${req.url}`);
  };
  const tls = opts.https ? selfSignedCertificate() : undefined;
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    ca: tls?.cert,
    route(pathname, handler) {
      routes.set(pathname, handler);
      return `${origin}${pathname}`;
    },
    hits: (pathname) => counts.get(pathname) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers `body` as JSON (with `headers`). */
export function json(body: unknown, headers: Record<string, string> = {}): DocumentHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
}
