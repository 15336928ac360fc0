import type { KV } from '@nats-io/kv';

const LEASE_KEY = 'discovery';

export interface LeaseCallbacks {
  /** This replica holds the lease now: it probes and publishes. */
  acquired(): Promise<void>;
  /** It lost the lease (another replica won it, or renewing failed): stop publishing. */
  lost(): Promise<void>;
}

/**
 * One discovery replica at a time probes and publishes; the others stand by. The lease is one
 * key in a KV bucket whose `max_age` is the lease time: the holder rewrites it with
 * compare-and-set on its revision every third of that time, and a stand-by tries to `create` it,
 * which succeeds only once the key is gone (expired after the holder died, or deleted by a
 * holder shutting down). No clocks are compared across machines; the server decides.
 */
export class LeaderLease {
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly kv: KV,
    private readonly instanceId: string,
    private readonly ttlMs: number,
    private readonly callbacks: LeaseCallbacks,
    private readonly onError: (error: unknown, message: string) => void,
  ) {}

  get held(): boolean {
    return this.revision > 0;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops renewing and, when held, hands the lease back so a stand-by takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    if (!this.held) return;
    const revision = this.revision;
    this.revision = 0;
    await this.callbacks.lost();
    try {
      await this.kv.delete(LEASE_KEY, { previousSeq: revision });
    } catch (error) {
      this.onError(error, 'could not release the discovery lease; it expires by itself');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(Math.max(50, Math.floor(this.ttlMs / 3)));
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const payload = JSON.stringify({ instance: this.instanceId });
    if (this.held) {
      try {
        this.revision = await this.kv.update(LEASE_KEY, payload, this.revision);
      } catch (error) {
        this.revision = 0;
        this.onError(error, 'lost the discovery lease');
        await this.callbacks.lost();
      }
      return;
    }
    try {
      this.revision = await this.kv.create(LEASE_KEY, payload);
    } catch {
      return; // another replica holds it
    }
    if (this.stopped) return;
    await this.callbacks.acquired();
  }
}
