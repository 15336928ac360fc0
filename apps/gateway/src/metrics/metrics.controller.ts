import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FleetCatalogue } from '../fleet/fleet-catalogue.service.js';
import { FleetRegistry } from '../fleet/fleet-registry.service.js';
import { GatewayMetrics } from './gateway-metrics.service.js';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly catalogue: FleetCatalogue,
    private readonly registry: FleetRegistry,
  ) {}

  @Get('metrics')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    // Series of models gone from the fleet are dropped; with no listing (NATS away), kept.
    const known = await this.knownModels().catch(() => undefined);
    if (known !== undefined) await this.metrics.keepModels(known);
    const body = await this.metrics.registry.metrics();
    await reply.header('content-type', this.metrics.registry.contentType).send(body);
  }

  /**
   * The models whose series are kept: those workers serve, those a managed backend would be
   * started for, and those the registry lists on a backend that is down. The requests that fail
   * while a backend is away are counted under its models: dropping them with the models would
   * hide the outage from the scrape that should show it.
   */
  private async knownModels(): Promise<Set<string>> {
    const [served, startable, registered] = await Promise.all([
      this.catalogue.models({ fresh: true }),
      this.catalogue.listed({ startable: true }),
      this.registry.listedModelNames(),
    ]);
    for (const model of [...served, ...startable]) registered.add(model.id);
    return registered;
  }
}
