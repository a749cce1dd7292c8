// `vite`            the app on :5173, its API calls proxied to a real server (API_URL, default :3000);
// `vite --mode mock` the app on MSW in the browser (packages/mocks), no server at all;
// `vite build`      dist/, served by apps/server from the API's own origin.
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** Everything the server answers itself; the rest are the app's pages. */
const SERVER_PATHS = ['/api', '/authorize', '/token', '/register', '/revoke', '/.well-known', '/mcp', '/v1', '/healthz', '/readyz'];

export default defineConfig(({ mode }) => {
  const target = process.env.API_URL ?? 'http://localhost:3000';
  const proxy: ProxyOptions = {
    target,
    configure(proxyServer) {
      // The server refuses sign-up/log-in from a foreign Origin (login CSRF). Requests from this dev
      // server's own pages are same-origin in production, so present them as the API's origin.
      proxyServer.on('proxyReq', (proxyReq, req) => {
        const origin = req.headers.origin;
        if (origin && req.headers.host && new URL(origin).host === req.headers.host) {
          proxyReq.setHeader('origin', new URL(target).origin);
        }
      });
    },
  };
  return {
    base: '/',
    plugins: [react()],
    // public/ holds only the mock service worker: it ships with mock mode, never in a production build.
    publicDir: mode === 'mock' ? 'public' : false,
    build: { outDir: 'dist', emptyOutDir: true },
    server: mode === 'mock' ? {} : { proxy: Object.fromEntries(SERVER_PATHS.map((path) => [path, proxy])) },
  };
});
