import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ConnectionWatch, NATS_CONNECTION, type NatsConnection } from '@switchyard/nats';
import type { FastifyReply } from 'fastify';
import { InFlightRequests } from './in-flight-requests.service.js';

/** How long readiness waits for the NATS server's PONG. */
const READY_PING_TIMEOUT_MS = 1_000;

/** Liveness (the process answers) and readiness (NATS answers, not shutting down). */
@Controller()
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly connection: ConnectionWatch,
    private readonly inFlight: InFlightRequests,
  ) {}

  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const problem = await this.problem();
    await reply
      .code(problem === undefined ? 200 : 503)
      .send(problem === undefined ? { status: 'ready' } : { status: 'not ready', reason: problem });
  }

  private async problem(): Promise<string | undefined> {
    if (this.inFlight.draining) return 'shutting down';
    if (this.nc.isClosed() || this.nc.isDraining()) return 'NATS connection closed';
    // Known lost: no ping can be answered (nats.js would reject it only at its next dial).
    if (this.connection.lost) return 'NATS connection lost; reconnecting';
    let timer: NodeJS.Timeout | undefined;
    try {
      // A round trip proves the connection works now, not just that it once did.
      await Promise.race([
        this.nc.rtt(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READY_PING_TIMEOUT_MS);
        }),
      ]);
      return undefined;
    } catch {
      return 'NATS server does not answer';
    } finally {
      clearTimeout(timer);
    }
  }
}
