import { Controller, Delete, Post, Req, Res } from '@nestjs/common';
import { SwitchyardError, type PullProgress } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelManagement } from '../fleet/model-management.service.js';
import { badField, parseBody } from '../http/bad-request.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { requestIdOf } from '../http/request-id.js';
import { writeStream } from '../http/response-streams.js';
import { OrchestratorClient } from '../orchestration/orchestrator-client.service.js';
import { ollamaManagedName, ollamaModelNotFound } from './ollama-model-name.js';
import {
  ollamaCopyBodySchema,
  ollamaDeleteBodySchema,
  ollamaPullBodySchema,
} from './ollama-request.schemas.js';
import { OLLAMA_NDJSON } from './ollama-stream.format.js';

/**
 * Ollama's model commands over the fleet, answered exactly as Ollama answers them (200 with an
 * empty body; 404 `{"error":"model 'x' not found"}`; 400 for a bad name), so Ollama's clients
 * and CLI work unmodified. Pulls go through the orchestrator, which knows the pull mode.
 */
@Controller('api')
export class OllamaManagementController {
  constructor(
    private readonly management: ModelManagement,
    private readonly orchestrator: OrchestratorClient,
    private readonly inFlight: InFlightRequests,
  ) {}

  /**
   * Pulls the model into an Ollama backend: Ollama's NDJSON progress lines, ending with
   * `{"status":"success"}`, or that one object with `stream: false`. Failures the orchestrator
   * reports before any progress (airgapped, no Ollama backend) are plain HTTP errors.
   */
  @Post('pull')
  async pull(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(ollamaPullBodySchema, request.body);
    const given = body.model ?? body.name ?? '';
    if (given.length === 0) {
      throw badField('model is required', 'model');
    }
    const model = ollamaManagedName(given, 'model');
    const call = this.inFlight.begin(reply);
    try {
      const frames = this.orchestrator
        .pull(
          {
            model,
            kind: 'ollama',
            ...(body.insecure === undefined ? {} : { insecure: body.insecure }),
          },
          requestIdOf(request),
          call.signal,
        )
        [Symbol.asyncIterator]();
      // Up to the start frame, a failure can still be an HTTP status.
      const first = await frames.next();
      if (body.stream === false) {
        for (let next = first; !next.done; next = await frames.next());
        await reply.code(200).send({ status: 'success' });
        return;
      }
      await writeStream(reply, OLLAMA_NDJSON, progressLines(first, frames));
    } finally {
      call.done();
    }
  }

  /** Removes the model from every Ollama backend that has it. */
  @Delete('delete')
  async delete(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(ollamaDeleteBodySchema, request.body);
    const given = body.model ?? body.name ?? '';
    if (given.length === 0) {
      throw badField('model is required', 'model');
    }
    const model = ollamaManagedName(given, 'model');
    const outcome = await this.management.run('delete', model, { model }, requestIdOf(request));
    if (outcome === 'missing') throw ollamaModelNotFound(given);
    await reply.code(200).send();
  }

  /** Copies the model under a new name on every Ollama backend that has it. */
  @Post('copy')
  async copy(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(ollamaCopyBodySchema, request.body);
    const source = ollamaManagedName(body.source, 'source');
    const destination = ollamaManagedName(body.destination, 'destination');
    const outcome = await this.management.run(
      'copy',
      source,
      { source, destination },
      requestIdOf(request),
    );
    if (outcome === 'missing') {
      // Ollama quotes this one with %q, unlike its other "not found" messages.
      throw new SwitchyardError('model_not_found', `model "${body.source}" not found`);
    }
    await reply.code(200).send();
  }
}

/** Ollama's pull lines from the orchestrator's frames: each progress, then `success`. */
async function* progressLines(
  first: IteratorResult<StreamFrame>,
  rest: AsyncIterator<StreamFrame>,
): AsyncGenerator<PullProgress> {
  let success = false;
  for (let next = first; !next.done; next = await rest.next()) {
    const progress = next.value.type === 'delta' ? next.value.progress : undefined;
    if (progress === undefined) continue;
    success ||= progress.status === 'success';
    yield progress;
  }
  // The stream ended well: say so the way Ollama does, if the backend did not.
  if (!success) yield { status: 'success' };
}
