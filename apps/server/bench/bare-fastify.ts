// The baseline of the bench (run-bench.ts): bare Fastify 5 answering GET /healthz, with no plugins, no
// logging and no validation, in its own process. Listens on 127.0.0.1:$PORT and prints "listening".
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('listening');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
