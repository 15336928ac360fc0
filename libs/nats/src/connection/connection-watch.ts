import type { NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_NATS_OUTAGE_WAIT_MS, SwitchyardError } from '@switchyard/contracts';
import { redactServerUrl } from './connection-options.js';

/** How long a probe waits for the server's PONG before the connection is taken for lost. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * The most bytes of requests held while the connection is lost: a burst of requests with images
 * for a few seconds, far below what a gateway's memory can spare. Past it, requests are refused.
 */
export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface ConnectionWatchOptions {
  /** See `nats.outage_wait_ms`. Default {@link DEFAULT_NATS_OUTAGE_WAIT_MS}. */
  outageWaitMs?: number;
  /** See {@link PROBE_TIMEOUT_MS}. */
  probeTimeoutMs?: number;
  /** See {@link DEFAULT_MAX_HELD_BYTES}. */
  maxHeldBytes?: number;
}

/** Told, once, that an outage outlasted the wait (or that the connection closed). */
export type OutageListener = (error: SwitchyardError) => void;

/**
 * What a client knows of its NATS connection, for requests whose callers wait on it. nats.js
 * reconnects forever, and what is published while it is cut off is dropped when it dials again:
 * a request sent then would wait out its idle timeout for an answer that cannot come.
 *
 * The watch follows the connection's status. While it is lost, a request is held
 * ({@link whenConnected}) and sent once it is back; once it has been lost for `outageWaitMs`, the
 * listeners are told ({@link onOutage}: the reply inbox fails the streams still open) and new
 * requests fail at once ({@link unavailable}) with `nats_unavailable`, until it is back.
 *
 * A server that hangs (stopped, or its host gone without closing the socket) goes unnoticed by
 * nats.js until two of its periodic pings go unanswered (`nats.ping_interval_ms`). A caller that
 * has heard nothing for long asks {@link answers}: a server that does not answer a ping in time
 * is taken for lost, and the client dials again (the next server of a cluster, or the same one
 * once it answers).
 *
 * It learns of outages from the status events that follow its making: make it with the
 * connection (the NATS module does), not in the middle of an outage.
 */
export class ConnectionWatch {
  /** How long requests wait for a lost connection: `nats.outage_wait_ms`. */
  readonly outageWaitMs: number;
  private readonly probeTimeoutMs: number;
  private readonly maxHeldBytes: number;
  /** When the connection was lost (`Date.now()`); undefined while it is up. */
  private lostAt: number | undefined;
  private outageTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<OutageListener>();
  private readonly reconnectListeners = new Set<() => void>();
  /** Requests waiting for the connection to come back: none outlives an outage's wait. */
  private held: (() => void)[] = [];
  private heldBytes = 0;
  private probe: Promise<boolean> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    options: ConnectionWatchOptions = {},
  ) {
    this.outageWaitMs = options.outageWaitMs ?? DEFAULT_NATS_OUTAGE_WAIT_MS;
    this.probeTimeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    this.maxHeldBytes = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
    void this.follow();
  }

  /** The server the connection is on, or dials, fit for a message: credentials redacted. */
  get server(): string {
    return redactServerUrl(this.nc.getServer());
  }

  /** Whether the connection is lost now (and nats.js is dialling again). */
  get lost(): boolean {
    return this.lostAt !== undefined;
  }

  /**
   * The failure a request meets if it is made now: the connection is closed, or it has been lost
   * for `outageWaitMs` or longer. Undefined when the request may go ahead (or wait).
   */
  unavailable(): SwitchyardError | undefined {
    if (this.nc.isClosed() || this.nc.isDraining()) return closedError();
    if (this.lostAt === undefined) return undefined;
    return Date.now() - this.lostAt >= this.outageWaitMs ? this.outageError() : undefined;
  }

  /**
   * Runs `send` when the connection is back (at once when it is up), holding the `bytes` it will
   * publish meanwhile; refuses, with the error to fail with, when that would hold more than
   * `maxHeldBytes`. Callers check {@link unavailable} first; one whose wait ends in an outage
   * hears it from {@link onOutage}, and `send` is then never called.
   */
  whenConnected(send: () => void, bytes = 0): SwitchyardError | undefined {
    if (this.lostAt === undefined) {
      send();
      return undefined;
    }
    if (this.heldBytes + bytes > this.maxHeldBytes) return this.holdFullError(bytes);
    this.held.push(send);
    this.heldBytes += bytes;
    return undefined;
  }

  /**
   * Resolves once the connection is up (at once when it is); rejects with `nats_unavailable` when
   * it is closed or the outage outlasts the wait. For calls that cannot be held as a request is
   * (a `requestMany`, which would wait out its own timeout for answers that cannot come).
   */
  connected(): Promise<void> {
    const unavailable = this.unavailable();
    if (unavailable) return Promise.reject(unavailable);
    if (this.lostAt === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stopListening = this.onOutage((error) => {
        stopListening();
        reject(error);
      });
      this.whenConnected(() => {
        stopListening();
        resolve();
      });
    });
  }

  /** Calls `listener` each time an outage outlasts the wait, and when the connection closes. */
  onOutage(listener: OutageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` each time the connection is back after it was lost, after the requests held
   * meanwhile went out. Whatever was sent to its subscriptions in between is lost.
   */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Whether the server answers a ping within the probe timeout. One that does not is taken for
   * lost, as if nats.js had seen the socket close, and the client dials again. Callers at once
   * share one probe.
   */
  answers(): Promise<boolean> {
    if (this.lostAt !== undefined || this.nc.isClosed()) return Promise.resolve(false);
    this.probe ??= this.ping().finally(() => (this.probe = undefined));
    return this.probe;
  }

  private async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<'silent'>((resolve) => {
      timer = setTimeout(() => resolve('silent'), this.probeTimeoutMs);
    });
    const outcome = await Promise.race([
      this.nc.rtt().then(
        () => 'answered' as const,
        // The connection dropped under the ping: nats.js reports it and dials again itself.
        () => 'dropped' as const,
      ),
      silent,
    ]);
    clearTimeout(timer);
    if (outcome === 'silent' && !this.nc.isClosed()) {
      this.connectionLost();
      // Experimental in nats.js; a no-op while it is dialling already.
      this.nc.reconnect().catch(() => undefined);
    }
    return outcome === 'answered';
  }

  private async follow(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') this.connectionLost();
      else if (status.type === 'reconnect') this.connectionBack();
    }
    // The connection closed: nothing is coming back.
    clearTimeout(this.outageTimer);
    this.endWaits(closedError());
  }

  private connectionLost(): void {
    // nats.js reports a disconnect for every failed dial of one outage.
    if (this.lostAt !== undefined) return;
    this.lostAt = Date.now();
    this.outageTimer = setTimeout(() => this.endWaits(this.outageError()), this.outageWaitMs);
    this.outageTimer.unref();
  }

  private connectionBack(): void {
    this.lostAt = undefined;
    clearTimeout(this.outageTimer);
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const send of held) send();
    for (const listener of this.reconnectListeners) listener();
  }

  private endWaits(error: SwitchyardError): void {
    this.held = [];
    this.heldBytes = 0;
    for (const listener of this.listeners) listener(error);
  }

  private holdFullError(bytes: number): SwitchyardError {
    return new SwitchyardError(
      'nats_unavailable',
      `the connection to the NATS server (${this.server}) is lost, and ${this.heldBytes} bytes of requests ` +
        `already wait for it: with this one (${bytes} bytes) more than the ${this.maxHeldBytes} held at most`,
      { details: { held_bytes: this.heldBytes, max_held_bytes: this.maxHeldBytes } },
    );
  }

  private outageError(): SwitchyardError {
    const lostForMs = this.lostAt === undefined ? 0 : Date.now() - this.lostAt;
    return new SwitchyardError(
      'nats_unavailable',
      `the connection to the NATS server (${this.server}) was lost ${lostForMs} ms ago and is not back; ` +
        `requests wait for it up to nats.outage_wait_ms (${this.outageWaitMs} ms)`,
      { details: { lost_for_ms: lostForMs } },
    );
  }
}

function closedError(): SwitchyardError {
  return new SwitchyardError('nats_unavailable', 'the NATS connection is closed');
}
