import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  backendIdSchema,
  SwitchyardError,
  type BackendStatus,
  type RegistryEntry,
} from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { FleetRegistry } from '../fleet/fleet-registry.service.js';
import { badField } from '../http/bad-request.js';
import { requestIdOf } from '../http/request-id.js';
import { OrchestratorClient } from './orchestrator-client.service.js';

const BACKEND_COMMANDS = ['start', 'stop', 'restart'] as const;
type BackendCommandName = (typeof BACKEND_COMMANDS)[number];

/** One backend for `/admin/backends`: what discovery sees and what the orchestrator runs. */
interface AdminBackend {
  id: string;
  registry: RegistryEntry | null;
  orchestrator: BackendStatus | null;
}

/**
 * The admin routes (an admin key is required, see the access policy): the fleet as the registry
 * and the orchestrator see it, and start, stop and restart forwarded to the orchestrator.
 */
@Controller('admin')
export class AdminController {
  constructor(
    private readonly registry: FleetRegistry,
    private readonly orchestrator: OrchestratorClient,
  ) {}

  @Get('backends')
  async backends(): Promise<{
    backends: AdminBackend[];
    orchestrator: boolean;
    registry: boolean;
  }> {
    const [entries, statuses] = await Promise.all([
      this.registry.all().catch(() => undefined),
      this.orchestrator.status(),
    ]);
    const ids = new Set([
      ...(entries ?? []).map((entry) => entry.id),
      ...(statuses ?? []).map((status) => status.backend),
    ]);
    const backends = [...ids].sort().map((id) => ({
      id,
      registry: entries?.find((entry) => entry.id === id) ?? null,
      orchestrator: statuses?.find((status) => status.backend === id) ?? null,
    }));
    return { backends, registry: entries !== undefined, orchestrator: statuses !== undefined };
  }

  @Post('backends/:id/:command')
  @HttpCode(200)
  async command(
    @Param('id') id: string,
    @Param('command') command: string,
    @Req() request: FastifyRequest,
  ): Promise<{ backend: BackendStatus }> {
    if (!(BACKEND_COMMANDS as readonly string[]).includes(command)) {
      throw new SwitchyardError(
        'not_found',
        `no admin command "${command}": use ${BACKEND_COMMANDS.join(', ')}`,
      );
    }
    if (!backendIdSchema.safeParse(id).success) {
      throw badField(`"${id}" is not a backend id`, 'id');
    }
    const status = await this.orchestrator.command(
      command as BackendCommandName,
      id,
      requestIdOf(request),
    );
    return { backend: status };
  }
}
