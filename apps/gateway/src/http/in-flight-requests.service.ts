import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { SwitchyardError, type SwitchyardConfig } from '@switchyard/contracts';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import type { FastifyReply } from 'fastify';
import { GatewayMetrics } from '../metrics/gateway-metrics.service.js';

/**
 * Every inference request the gateway is answering, each with the AbortController that cancels
 * its upstream work. A client that goes away aborts its own request; shutdown stops taking new
 * requests, lets the running ones finish within `shutdown.grace_ms`, and aborts the rest.
 */
@Injectable()
export class InFlightRequests implements BeforeApplicationShutdown {
  private readonly running = new Set<AbortController>();
  private idle: (() => void)[] = [];
  private drainingSince: number | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: GatewayMetrics,
  ) {
    metrics.trackInFlight(() => this.running.size);
  }

  get size(): number {
    return this.running.size;
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /**
   * Starts tracking a request answered on `reply`: the signal aborts when the client leaves
   * before the answer is complete. Call `done` when the answer has been sent.
   */
  begin(reply: FastifyReply): { signal: AbortSignal; done: () => void } {
    if (this.draining) {
      throw new SwitchyardError('overloaded', 'the gateway is shutting down; try another instance');
    }
    const controller = new AbortController();
    this.running.add(controller);
    const onClose = (): void => {
      if (!reply.raw.writableFinished) {
        controller.abort(new SwitchyardError('cancelled', 'the client went away'));
      }
      done();
    };
    const done = (): void => {
      reply.raw.removeListener('close', onClose);
      if (!this.running.delete(controller)) return;
      if (this.running.size === 0) this.wakeIdle();
    };
    reply.raw.once('close', onClose);
    return { signal: controller.signal, done };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.drainingSince = Date.now();
    if (this.running.size === 0) return;
    const graceMs = this.config.shutdown.grace_ms;
    this.logger.info({ in_flight: this.running.size, grace_ms: graceMs }, 'finishing requests');
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<true>((resolve) => this.idle.push(() => resolve(true))),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (finished) return;
    this.logger.warn({ in_flight: this.running.size }, 'grace period over; cancelling requests');
    for (const controller of this.running) {
      // Retryable, unlike a client that left: the client is still there, and another gateway
      // can answer it.
      controller.abort(
        new SwitchyardError('overloaded', 'the gateway shut down before the answer was complete'),
      );
    }
  }

  private wakeIdle(): void {
    const waiters = this.idle;
    this.idle = [];
    for (const wake of waiters) wake();
  }
}
