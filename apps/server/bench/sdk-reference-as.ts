// The reference the bench (run-bench.ts) compares our authorize → consent → token flow with: the MCP
// TypeScript SDK v1's own authorization server router (`mcpAuthRouter`) over its demo provider
// (`DemoInMemoryAuthProvider`: clients, codes and tokens in process memory, every authorization approved at
// once, no user). Its express rate limits are off, as ours are lifted by configuration for the bench.
// Listens on 127.0.0.1:$PORT and prints "listening".
import { createRequire } from 'node:module';
import { DemoInMemoryAuthProvider } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';
import { mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';

// express is the SDK's own dependency (not ours): load the copy the SDK uses.
const requireFromSdk = createRequire(import.meta.resolve('@modelcontextprotocol/sdk/server/auth/router.js'));
type Middleware = (...args: never[]) => unknown;
interface ExpressApp {
  use(middleware: unknown): void;
  listen(port: number, host: string, ready: () => void): { close(done: () => void): void };
}
const express = requireFromSdk('express') as { (): ExpressApp; json(): Middleware; urlencoded(o: object): Middleware };

const port = Number(process.env.PORT);
const issuerUrl = new URL(`http://127.0.0.1:${port}/`);
const provider = new DemoInMemoryAuthProvider();
const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use(
  mcpAuthRouter({
    provider,
    issuerUrl,
    scopesSupported: ['mcp:tools'],
    authorizationOptions: { rateLimit: false },
    tokenOptions: { rateLimit: false },
    clientRegistrationOptions: { rateLimit: false },
    revocationOptions: { rateLimit: false },
  }),
);
const server = app.listen(port, '127.0.0.1', () => console.log('listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
