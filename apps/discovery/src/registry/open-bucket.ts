import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiError, jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';

/**
 * How long discovery keeps retrying a bucket that fails for a reason that may pass (a JetStream
 * API request that timed out on a loaded server, a cluster electing its meta leader): no retry
 * starts later than this. Both buckets share the window at start (each still gets one attempt),
 * and an attempt waits at most `KV_API_TIMEOUT_MS`, so a JetStream that keeps timing out fails
 * start-up after about 10 s, and nothing makes it wait more than 20 s.
 */
export const KV_OPEN_WINDOW_MS = 10_000;
/** The pause after the first transient failure; it doubles up to `KV_OPEN_MAX_BACKOFF_MS`. */
export const KV_OPEN_FIRST_BACKOFF_MS = 250;
export const KV_OPEN_MAX_BACKOFF_MS = 2_000;
/**
 * The JetStream API timeout (nats.js's default, made explicit). It stays with the bucket's
 * client, so it is not shortened to fit the window: later lease renewals use it too.
 */
export const KV_API_TIMEOUT_MS = 5_000;

/**
 * JetStream API error codes (nats-server's `errors.json`) that say "not now" rather than "no":
 * they come and go while a cluster elects leaders or a node restarts.
 */
const TRANSIENT_API_CODES: ReadonlySet<number> = new Set([
  10008, // JSClusterNotAvailErr: JetStream system temporarily unavailable (no meta leader)
  10009, // JSClusterNotLeaderErr: JetStream cluster can not handle request
  10023, // JSInsufficientResourcesErr: too few peers online for the replicas asked for
]);
/** JSNotEnabledErr: JetStream is not enabled on the server (10039, for the account, nats.js maps). */
const JS_NOT_ENABLED_CODE = 10076;

/**
 * Why a KV bucket could not be opened, which decides what discovery does next:
 * - `jetstream-off`: the server says JetStream is not there for this connection (no responders
 *   on `$JS.API`, or "not enabled" for the server or the account). No replica can hold a lease
 *   then, so discovery runs alone, as it always could.
 * - `transient`: JetStream is there but did not manage this time (timeout, leader election).
 *   Worth retrying for a bounded while.
 * - `refused`: anything else: JetStream answered and said no (permissions, account limits,
 *   replicas the server cannot place), or the failure is not JetStream's at all. Retrying will
 *   not help, and running alone would make a second leader next to replicas that do hold the
 *   lease, so start fails.
 */
export type KvFailureKind = 'jetstream-off' | 'transient' | 'refused';

export function kvFailureKind(error: unknown): KvFailureKind {
  // nats.js's own verdict (no responders on $JS.API, or API error 10039); it does not export the
  // class, so it is recognised by its name.
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return 'jetstream-off';
  if (error instanceof RequestError && error.isNoResponders()) return 'jetstream-off';
  if (error instanceof JetStreamApiError) {
    if (error.code === JS_NOT_ENABLED_CODE) return 'jetstream-off';
    return TRANSIENT_API_CODES.has(error.code) ? 'transient' : 'refused';
  }
  if (isNatsTimeout(error)) return 'transient';
  return 'refused';
}

/** Whether a NATS or JetStream request failed because no answer came in time. */
export function isNatsTimeout(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  return error instanceof RequestError && error.cause instanceof TimeoutError;
}

/** JetStream is not enabled for this connection: the bucket cannot exist; discovery runs alone. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * JetStream is on but the bucket could not be opened or created: refused, or still failing when
 * the retry window closed. Discovery must not start without it.
 */
export class RegistryBucketError extends Error {
  override readonly name = 'RegistryBucketError';
  constructor(
    readonly bucket: string,
    readonly kind: Exclude<KvFailureKind, 'jetstream-off'>,
    readonly attempts: number,
    elapsedMs: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      kind === 'refused'
        ? `cannot open the KV bucket "${bucket}": JetStream refused it (${reason}). ` +
            'Discovery does not run without its registry and lease buckets while JetStream is ' +
            "on; check the NATS user's permissions on $JS.API, the account's JetStream limits " +
            'and discovery.kv_replicas, or create the bucket beforehand'
        : `cannot open the KV bucket "${bucket}": JetStream still failed after ${attempts} ` +
            `attempt(s) in ${elapsedMs} ms (last: ${reason}); is the NATS server overloaded, ` +
            'or its JetStream cluster without a leader?',
      { cause },
    );
  }
}

/** A bucket discovery keeps: its name, how long an entry lives, and its replicas if created. */
export interface BucketSettings {
  bucket: string;
  ttlMs: number;
  replicas: number;
}

export interface OpenBucketOptions {
  /** No retry starts after this (epoch ms); default `KV_OPEN_WINDOW_MS` from now. */
  deadline?: number;
  /** Told of each transient failure before the pause that precedes the next attempt. */
  onRetry?: (error: unknown, retry: { bucket: string; attempt: number; delayMs: number }) => void;
}

/** A bucket as opened: its client, and the TTL (`max_age`) it has, 0 when it has none. */
export interface OpenedBucket {
  kv: KV;
  ttlMs: number;
}

/**
 * Opens a KV bucket, creating it when missing; an existing bucket keeps its own settings, so its
 * TTL is read back rather than assumed to be `ttlMs`.
 * Throws `RegistryUnavailableError` when JetStream is not enabled, `RegistryBucketError` when it
 * is but the bucket cannot be had (at once when refused, at the deadline when transient).
 */
export async function openBucket(
  nc: NatsConnection,
  { bucket, ttlMs, replicas }: BucketSettings,
  { deadline = Date.now() + KV_OPEN_WINDOW_MS, onRetry }: OpenBucketOptions = {},
): Promise<OpenedBucket> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const kvm = new Kvm(jetstream(nc, { timeout: KV_API_TIMEOUT_MS }));
      const kv = await kvm.create(bucket, { history: 1, ttl: ttlMs, replicas });
      return { kv, ttlMs: (await kv.status()).ttl };
    } catch (error) {
      const kind = kvFailureKind(error);
      if (kind === 'jetstream-off') {
        throw new RegistryUnavailableError(
          `JetStream is not enabled for this connection, so there is no KV bucket "${bucket}"`,
          { cause: error },
        );
      }
      const delayMs = Math.min(
        KV_OPEN_FIRST_BACKOFF_MS * 2 ** (attempt - 1),
        KV_OPEN_MAX_BACKOFF_MS,
      );
      if (kind === 'refused' || Date.now() + delayMs > deadline) {
        throw new RegistryBucketError(bucket, kind, attempt, Date.now() - started, error);
      }
      onRetry?.(error, { bucket, attempt, delayMs });
      await sleep(delayMs);
    }
  }
}
