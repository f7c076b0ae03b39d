import { SettingsError } from '@gflownet/core';
import type { RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { QUEUE_DEFAULTS } from './defaults.js';

/** Where Redis is: a `redis://[user:password@]host[:port][/db]` URL (`rediss://` for TLS), or ioredis options. */
export type Connection = string | RedisOptions;

/**
 * ioredis options of a connection. Commands wait through a lost connection (`maxRetriesPerRequest:
 * null`, as BullMQ requires of workers) and ioredis reconnects, so a Redis restart is survived; the
 * callers bound the wait. A bad URL is a {@link SettingsError} naming `what` (e.g. `--redis`).
 */
export function redisOptions(connection: Connection, what = 'connection'): RedisOptions {
  if (typeof connection !== 'string') return { ...connection, maxRetriesPerRequest: null };
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new SettingsError(`${what}: "${connection}" is not a Redis URL (redis://[user:password@]host[:port][/db])`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new SettingsError(`${what}: "${connection}" is not a redis:// or rediss:// URL`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new SettingsError(`${what}: database "${db}" of ${url.host} is not a number`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** `host:port` of a connection, for messages (never the password). */
export function describeConnection(options: RedisOptions): string {
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/**
 * Checks that Redis answers (PING) within `connectTimeoutMs`, so a wrong host or password is one
 * clear error at start-up instead of silent reconnecting.
 */
export async function checkReachable(options: RedisOptions): Promise<void> {
  const probe = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: QUEUE_DEFAULTS.connectTimeoutMs });
  let cause = '';
  probe.on('error', (err: Error) => {
    cause ||= err.message; // the socket's reason (ECONNREFUSED, a wrong password), not ioredis' "Connection is closed"
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new Error(`cannot reach Redis at ${describeConnection(options)}: ${cause || (err as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

/** The Redis URL to use: the option, else `GFN_QUEUE_URL`, else the local default. */
export function redisUrl(option: string | undefined): string {
  return option ?? process.env.GFN_QUEUE_URL ?? QUEUE_DEFAULTS.redisUrl;
}
