/**
 * `Kv` on Redis via node-redis 6 (RESP3): shared by every server instance, so codes taken on one instance are
 * gone for all, and rate limits and revocation broadcasts span the fleet.
 *
 * Every key and channel is prefixed with `prefix`, so several deployments or parallel test runs can share one
 * Redis. Requires Redis >= 7.0 (GETDEL, PEXPIRE ... NX).
 */
import { createClient, type RedisClientType } from 'redis';
import { assertTtl, type Kv, type KvErrorHandler } from './kv.ts';

type Client = RedisClientType;

type ReconnectStrategy = (retries: number, cause: Error) => number | Error;

export interface RedisKvOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]` */
  url: string;
  /** Prepended to every key and channel name. */
  prefix?: string;
  /**
   * Receives errors with no caller to reject: connection drops and reconnect attempts (node-redis emits an
   * 'error' event for each), and exceptions thrown by subscribers. Default: ignored. Must not throw.
   */
  onError?: KvErrorHandler;
}

/** A readiness check must answer quickly; node-redis' default command timeout is 5 s. */
const PING_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Creates a client with `make`, listens for its errors and connects it. The first connection is not retried,
 * so an unreachable server makes this reject instead of retrying forever (node-redis' default); once
 * connected, dropped connections are retried with capped exponential backoff (commands wait in the offline
 * queue, bounded by the command timeout, and subscriptions are restored).
 */
async function connectClient(
  make: (socket: { reconnectStrategy: ReconnectStrategy }) => Client,
  onError: KvErrorHandler,
): Promise<Client> {
  let connected = false;
  const client = make({
    reconnectStrategy: (retries, cause) =>
      connected ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100) : cause,
  });
  // Without an 'error' listener, a dropped connection would be thrown as an uncaught exception.
  client.on('error', onError);
  await client.connect();
  connected = true;
  return client;
}

export class RedisKv implements Kv {
  readonly #client: Client;
  readonly #prefix: string;
  readonly #onError: KvErrorHandler;
  /** The subscriber connection, created on first subscribe and shared by all subscriptions. */
  #subscriber: Promise<Client> | null = null;
  #closing: Promise<void> | null = null;

  private constructor(client: Client, prefix: string, onError: KvErrorHandler) {
    this.#client = client;
    this.#prefix = prefix;
    this.#onError = onError;
  }

  /** Connects to `url`; rejects if the server cannot be reached. */
  static async connect({ url, prefix = '', onError }: RedisKvOptions): Promise<RedisKv> {
    const report = safeHandler(onError);
    const client = await connectClient((socket) => createClient({ url, socket }), report);
    return new RedisKv(client, prefix, report);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.#client.set(this.#name(key), value, { expiration: { type: 'PX', value: ttlMs } });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const reply = await this.#client.set(this.#name(key), value, {
      expiration: { type: 'PX', value: ttlMs },
      condition: 'NX',
    });
    return reply !== null; // 'OK' when stored, null when the key existed
  }

  async get(key: string): Promise<string | null> {
    return this.#client.get(this.#name(key));
  }

  async take(key: string): Promise<string | null> {
    return this.#client.getDel(this.#name(key));
  }

  async del(key: string): Promise<void> {
    await this.#client.del(this.#name(key));
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    assertTtl(ttlMs);
    const name = this.#name(key);
    // MULTI/EXEC runs both atomically; NX sets the expiry only while the key has none, i.e. when INCR created
    // it, so later increments do not extend the window.
    const [count] = await this.#client.multi().incr(name).pExpire(name, ttlMs, 'NX').execTyped();
    return count;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#client.publish(this.#name(channel), message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = await this.#subscriberClient();
    const name = this.#name(channel);
    // A fresh listener per subscription: node-redis keeps listeners in a Set per channel, so this gives each
    // subscription its own identity, and a throwing handler must not escape into node-redis' reply parser.
    const listener = (message: string): void => {
      try {
        onMessage(message);
      } catch (err) {
        this.#onError(err);
      }
    };
    await subscriber.subscribe(name, listener);
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      if (this.#closing || !subscriber.isOpen) return; // closing dropped every subscription
      await subscriber.unsubscribe(name, listener); // UNSUBSCRIBE is sent once the channel's last listener goes
    };
  }

  async ping(): Promise<void> {
    // While reconnecting, commands wait in the offline queue; a readiness check should fail right away.
    if (!this.#client.isReady) throw new Error('Redis is not connected');
    try {
      await this.#client.withCommandOptions({ timeout: PING_TIMEOUT_MS }).ping();
    } catch (err) {
      throw new Error(`Redis ping failed: ${err instanceof Error && err.message ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const subscriber = await this.#subscriber?.catch(() => null);
    this.#subscriber = null;
    // close() waits for pending replies; a client that already gave up (or never connected) is not open.
    await Promise.all([this.#client, subscriber].map((client) => (client?.isOpen ? client.close() : undefined)));
  }

  #subscriberClient(): Promise<Client> {
    if (this.#closing) return Promise.reject(new Error('RedisKv is closed'));
    this.#subscriber ??= connectClient((socket) => this.#client.duplicate({ socket }), this.#onError).catch(
      (err: unknown) => {
        this.#subscriber = null; // let the next subscribe try again
        throw err;
      },
    );
    return this.#subscriber;
  }

  #name(key: string): string {
    return this.#prefix + key;
  }
}

/** Wraps `onError` so that it exists and cannot throw (an 'error' listener that throws crashes the process). */
function safeHandler(onError: KvErrorHandler | undefined): KvErrorHandler {
  return (err) => {
    try {
      onError?.(err);
    } catch {
      // ignored: there is nobody left to tell
    }
  };
}
