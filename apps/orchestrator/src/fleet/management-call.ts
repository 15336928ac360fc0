import { randomUUID } from 'node:crypto';
import { modelInfoSchema, type ModelInfo, type Subjects } from '@switchyard/contracts';
import type { RequestStreamClient } from '@switchyard/nats';
import { z } from 'zod';

/** A management call (list, unload) never waits longer than this. */
const MANAGEMENT_TIMEOUT_MS = 10_000;

const modelListSchema = z.object({ models: z.array(modelInfoSchema) });

/**
 * The workers' model management commands for one backend, as the orchestrator uses them: what a
 * backend holds, and unloading a model. Both go to `<prefix>.v1.backend.<id>.<command>`.
 */
export class BackendManagement {
  constructor(
    private readonly client: RequestStreamClient,
    private readonly subjects: Subjects,
  ) {}

  /** The backend's models, as its worker lists them. */
  async models(backendId: string): Promise<ModelInfo[]> {
    return modelListSchema.parse(await this.call(backendId, 'models', {})).models;
  }

  async unload(backendId: string, model: string): Promise<void> {
    await this.call(backendId, 'unload', { model });
  }

  /** Runs a command and resolves with its `result`. */
  private async call(
    backendId: string,
    command: 'models' | 'unload',
    fields: Record<string, string>,
  ): Promise<unknown> {
    const request = { id: randomUUID(), timeout_ms: MANAGEMENT_TIMEOUT_MS, ...fields };
    const subject = this.subjects.management(backendId, command);
    const answer = await this.client.collect(subject, request);
    return answer.deltas.find((delta) => delta.result !== undefined)?.result;
  }
}
