import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FleetCatalogue } from '../fleet/fleet-catalogue.service.js';
import { GatewayMetrics } from './gateway-metrics.service.js';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly catalogue: FleetCatalogue,
  ) {}

  @Get('metrics')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    // Series of models gone from the fleet are dropped; with no listing (NATS away), kept.
    const served = await this.catalogue.models({ fresh: true }).catch(() => undefined);
    if (served !== undefined) {
      await this.metrics.keepModels(new Set(served.map((model) => model.id)));
    }
    const body = await this.metrics.registry.metrics();
    await reply.header('content-type', this.metrics.registry.contentType).send(body);
  }
}
