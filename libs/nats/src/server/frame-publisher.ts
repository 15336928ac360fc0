import type { NatsConnection } from '@nats-io/transport-node';
import { SwitchyardError } from '@switchyard/contracts';
import type { ConnectionWatch, OutageListener } from '../connection/connection-watch.js';
import { maxPayloadOf } from '../connection/max-payload.js';

/**
 * The most bytes of frames a server holds while its connection is lost: a few seconds of many
 * streams' tokens, far below what a worker's memory can spare.
 */
export const DEFAULT_MAX_HELD_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Where a server's reply frames go out. nats.js drops what is published while it connects again,
 * and a frame dropped is a gap its caller must fail the stream for. So while the connection is
 * lost, frames are held, in order, and sent once it is back: an outage shorter than
 * `nats.outage_wait_ms` costs a stream nothing when its caller stayed connected (the worker's
 * node of a cluster died, and it moved to another).
 *
 * The hold is bounded in time and in bytes. Past either, what is held is dropped and `onLost` is
 * told, so the server stops its requests: their callers have given up on them by then (they wait
 * for their own connection no longer than the same setting) or will see the gap.
 */
export class FramePublisher {
  private held: { subject: string; data: Uint8Array; reply: string | undefined }[] = [];
  private heldBytes = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly connection: ConnectionWatch,
    /** Told when the held frames are given up: the outage outlasted the wait, or the hold filled. */
    private readonly onLost: OutageListener,
    private readonly maxHeldBytes = DEFAULT_MAX_HELD_FRAME_BYTES,
  ) {
    connection.onOutage((error) => this.giveUp(error));
  }

  /** The most bytes a frame may have: the max_payload of the server the connection is on. */
  get maxPayload(): number {
    return maxPayloadOf(this.nc);
  }

  /**
   * Publishes a frame now, or holds it while the connection is lost. Throws what nats.js throws.
   * `reply` is a probe of the caller's presence (see `CallerProbes`).
   */
  publish(subject: string, data: Uint8Array, reply?: string): void {
    if (!this.connection.lost) {
      this.nc.publish(subject, data, reply === undefined ? undefined : { reply });
      return;
    }
    if (this.heldBytes + data.length > this.maxHeldBytes) {
      this.giveUp(
        new SwitchyardError(
          'nats_unavailable',
          `the connection to NATS is lost and ${this.heldBytes} bytes of frames are waiting for it, ` +
            `the most a server holds (${this.maxHeldBytes})`,
        ),
      );
      return;
    }
    if (this.held.length === 0) this.connection.whenConnected(this.flush);
    this.held.push({ subject, data, reply });
    this.heldBytes += data.length;
  }

  private readonly flush = (): void => {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const { subject, data, reply } of held) {
      try {
        this.nc.publish(subject, data, reply === undefined ? undefined : { reply });
      } catch {
        // Lost again already, or over the server's limit: its caller sees the gap.
      }
    }
  };

  private giveUp(error: SwitchyardError): void {
    this.held = [];
    this.heldBytes = 0;
    this.onLost(error);
  }
}
