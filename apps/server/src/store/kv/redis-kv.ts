/**
 * `Kv` on Redis via node-redis 6 (RESP3): shared by every server instance, so codes taken on one instance are
 * gone for all, and rate limits and revocation broadcasts span the fleet.
 *
 * Every key and channel is prefixed with `prefix`, so several deployments or parallel test runs can share one
 * Redis. Requires Redis >= 7.0 (GETDEL, PEXPIRE ... NX).
 */
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { DEFAULT_STORAGE_TIMEOUT_MS, withDeadline } from '../storage-deadline.ts';
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
  /**
   * Deadline of every command (STORAGE_TIMEOUT_MS), and of the first connection. Past it a call rejects with
   * StorageUnavailableError, even when the command was already written to a server that stopped answering
   * (node-redis' own command timeout only covers the wait in its queue).
   */
  timeoutMs?: number;
}

/** KEYS[1] from, KEYS[2] to; ARGV[1] the value `from` must hold, ARGV[2] the value for `to`, ARGV[3] its TTL (ms). */
const EXCHANGE_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS[1] the counter, ARGV[1] the window (ms). INCR rejects a non-integer value, and the script with it. */
const INCR_SCRIPT = `local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return count`;

/** Reconnect backoff cap: a restarted Redis is used again well within 2 s. */
const MAX_RECONNECT_DELAY_MS = 500;

/** Error replies that mean "not now" rather than "wrong command" (a restarting or failing-over server). */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/** Everything but a real error reply (and our own argument checks) is an availability problem. */
function isRedisOutage(err: unknown): boolean {
  if (err instanceof ErrorReply) return UNAVAILABLE_REPLY.test(err.message);
  return !(err instanceof RangeError || err instanceof TypeError);
}

/**
 * Creates a client with `make`, listens for its errors and connects it. The first connection is not retried,
 * so an unreachable server makes this reject instead of retrying forever (node-redis' default); once
 * connected, dropped connections are retried with capped exponential backoff; the offline queue is disabled,
 * so commands sent while disconnected fail at once instead of waiting; subscriptions are restored.
 */
async function connectClient(
  make: (socket: { reconnectStrategy: ReconnectStrategy; connectTimeout: number }) => Client,
  onError: KvErrorHandler,
  timeoutMs: number,
): Promise<Client> {
  let connected = false;
  const client = make({
    reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100) : cause),
    connectTimeout: timeoutMs,
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
  readonly #timeoutMs: number;
  /** The subscriber connection, created on first subscribe and shared by all subscriptions. */
  #subscriber: Promise<Client> | null = null;
  #closing: Promise<void> | null = null;
  /** Bumped each time the subscriber connection becomes ready; see subscriptionEpoch(). */
  #epoch = 0;
  #subscriberLive = false;

  private constructor(client: Client, prefix: string, onError: KvErrorHandler, timeoutMs: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#onError = onError;
    this.#timeoutMs = timeoutMs;
  }

  /** Connects to `url`; rejects if the server cannot be reached. */
  static async connect({ url, prefix = '', onError, timeoutMs = DEFAULT_STORAGE_TIMEOUT_MS }: RedisKvOptions): Promise<RedisKv> {
    const report = safeHandler(onError);
    const client = await connectClient((socket) => createClient({ url, socket, disableOfflineQueue: true }), report, timeoutMs);
    return new RedisKv(client, prefix, report, timeoutMs);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.#call(() => this.#client.set(this.#name(key), value, { expiration: { type: 'PX', value: ttlMs } }));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const reply = await this.#call(() => this.#client.set(this.#name(key), value, { expiration: { type: 'PX', value: ttlMs }, condition: 'NX' }));
    return reply !== null; // 'OK' when stored, null when the key existed
  }

  async get(key: string): Promise<string | null> {
    return this.#call(() => this.#client.get(this.#name(key)));
  }

  async take(key: string): Promise<string | null> {
    return this.#call(() => this.#client.getDel(this.#name(key)));
  }

  async swap(key: string, value: string, ttlMs: number): Promise<string | null> {
    assertTtl(ttlMs);
    // One command (Redis >= 6.2: SET ... GET), so atomic across every instance.
    return this.#call(() => this.#client.set(this.#name(key), value, { expiration: { type: 'PX', value: ttlMs }, GET: true })) as Promise<string | null>;
  }

  async swapIfPresent(key: string, value: string, ttlMs: number): Promise<string | null> {
    assertTtl(ttlMs);
    // One command (Redis >= 6.2: SET ... XX GET): nil and nothing stored when the key is absent.
    return this.#call(() => this.#client.set(this.#name(key), value, { expiration: { type: 'PX', value: ttlMs }, condition: 'XX', GET: true })) as Promise<
      string | null
    >;
  }

  async exchange(from: string, expected: string, to: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    // One script: Redis runs it atomically, so no other command on either key runs in between. (Both keys
    // must hash to one slot on Redis Cluster; this deployment is a single Redis.)
    const reply = await this.#call(() =>
      this.#client.eval(EXCHANGE_SCRIPT, { keys: [this.#name(from), this.#name(to)], arguments: [expected, value, String(ttlMs)] }),
    );
    return reply === 1;
  }

  async del(key: string): Promise<void> {
    await this.#call(() => this.#client.del(this.#name(key)));
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    assertTtl(ttlMs);
    // One script (atomic, one command on the wire instead of MULTI/INCR/PEXPIRE/EXEC); NX sets the expiry only
    // while the key has none, i.e. when INCR created it, so later increments do not extend the window.
    return (await this.#call(() => this.#client.eval(INCR_SCRIPT, { keys: [this.#name(key)], arguments: [String(ttlMs)] }))) as number;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#call(() => this.#client.publish(this.#name(channel), message));
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
    await this.#call(() => subscriber.subscribe(name, listener));
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      if (this.#closing || !subscriber.isOpen) return; // closing dropped every subscription
      // UNSUBSCRIBE is sent once the channel's last listener goes
      await this.#call(() => subscriber.unsubscribe(name, listener));
    };
  }

  subscriptionEpoch(): number | null {
    return this.#subscriberLive && !this.#closing ? this.#epoch : null;
  }

  async ping(): Promise<void> {
    try {
      await this.#call(() => this.#client.ping());
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
    // close() waits for pending replies, which a frozen server never sends: past the deadline the sockets
    // are destroyed. A client that already gave up (or never connected) is not open.
    await Promise.all(
      [this.#client, subscriber].map(async (client) => {
        if (!client?.isOpen) return;
        await this.#call(() => client.close()).catch(() => {
          if (client.isOpen) client.destroy();
        });
      }),
    );
  }

  /** One command with the deadline; outages become StorageUnavailableError. */
  #call<T>(command: () => PromiseLike<T>): Promise<T> {
    return withDeadline('kv', this.#timeoutMs, command, isRedisOutage);
  }

  #subscriberClient(): Promise<Client> {
    if (this.#closing) return Promise.reject(new Error('RedisKv is closed'));
    this.#subscriber ??= connectClient((socket) => this.#client.duplicate({ socket }), this.#onError, this.#timeoutMs)
      .then((subscriber) => {
        // Live from now until the connection drops; a reconnect (node-redis resubscribes) starts a new epoch.
        this.#epoch++;
        this.#subscriberLive = true;
        const down = () => {
          this.#subscriberLive = false;
        };
        subscriber.on('error', down);
        subscriber.on('reconnecting', down);
        subscriber.on('end', down);
        subscriber.on('ready', () => {
          this.#epoch++;
          this.#subscriberLive = true;
        });
        return subscriber;
      })
      .catch((err: unknown) => {
        this.#subscriber = null; // let the next subscribe try again
        throw err;
      });
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
