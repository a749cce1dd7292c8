// Serves the built consent web app (apps/consent/dist) from the API's own origin, so its session cookie is
// first-party and SameSite=Lax just works. Only GET/HEAD requests the spec router does not know reach here.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { CONSENT_APP_PATHS } from '@reminderit/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Client-side routes of the app (the SDK's one list); each is answered with index.html. */
const APP_ROUTES: ReadonlySet<string> = new Set(CONSENT_APP_PATHS);

/**
 * The pages run only the app's own bundle: no inline script, no third-party origin, never framed
 * (design rule: frame-ancestors 'none').
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Files of the build that must never be served by the real server (the dev-only mock worker). */
const DEV_ONLY = new Set(['/mockServiceWorker.js']);

/** Starts answering the request and returns true, or returns false when it has nothing to serve. */
export type AppFallback = (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return '\0'; // malformed escapes name no file
  }
}

export async function consentAppFallback(app: FastifyInstance, root: string): Promise<AppFallback> {
  const built = await stat(path.join(root, 'index.html')).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!built) {
    app.log.warn({ root }, 'consent app not built: pages are unavailable (run ./run build)');
    return async () => false;
  }
  await app.register(fastifyStatic, { root, serve: false });

  const isFile = async (relative: string) => {
    const full = path.resolve(root, `.${relative}`);
    if (!full.startsWith(root + path.sep)) return false;
    return stat(full).then(
      (s) => s.isFile(),
      () => false,
    );
  };

  return async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = req.url.split('?', 1)[0] ?? '/';
    if (APP_ROUTES.has(pathname)) {
      reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache');
      reply.sendFile('index.html');
      return true;
    }
    if (DEV_ONLY.has(pathname) || !(await isFile(safeDecode(pathname)))) return false;
    // Vite fingerprints everything under /assets: cache it for good.
    const immutable = pathname.startsWith('/assets/');
    reply.sendFile(pathname.slice(1), immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
    return true;
  };
}
