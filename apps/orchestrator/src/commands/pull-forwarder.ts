import { randomUUID } from 'node:crypto';
import {
  REQUEST_ID_HEADER,
  SwitchyardError,
  type OrchestratorConfig,
  type PullCommand,
  type PullModelCommand,
  type Subjects,
} from '@switchyard/contracts';
import {
  COMMAND_END,
  type RequestStreamClient,
  type StreamContext,
  type StreamEnd,
} from '@switchyard/nats';
import type { Fleet } from '../fleet/fleet.js';
import type { BackendSupervisor } from '../supervision/backend-supervisor.js';

/** The management command that fetches a model, for the kinds that can. */
const PULL_COMMANDS = { ollama: 'pull', lmstudio: 'download' } as const;

export const AIRGAPPED_MESSAGE =
  'model pulls are refused: orchestrator.pull_mode is "airgapped". Pre-stage models instead: ' +
  "pull them on a connected machine and copy them into the backend's model directory " +
  '(Ollama: $OLLAMA_MODELS, LM Studio: ~/.lmstudio/models), or set pull_mode to "local-only"';

export interface PullForwarderOptions {
  fleet: Fleet;
  client: RequestStreamClient;
  subjects: Subjects;
  pullMode: OrchestratorConfig['pull_mode'];
}

/**
 * Pulls a model into a configured backend: refuses at once when airgapped, starts a stopped
 * managed backend first, then has the backend's worker fetch it (Ollama `/api/pull`, LM Studio
 * download) and relays its progress frames to the caller as they come.
 */
export class PullForwarder {
  constructor(private readonly options: PullForwarderOptions) {}

  async handle(request: PullCommand, ctx: StreamContext): Promise<StreamEnd> {
    this.assertAllowed();
    const supervisor = this.target(request);
    ctx.start({ kind: supervisor.config.kind, backend: supervisor.id });
    if (supervisor.config.mode === 'managed') {
      ctx.setPhase('loading');
      await supervisor.start(ctx.signal);
    }
    await this.relay(supervisor, request.model, ctx, request.insecure);
    return COMMAND_END;
  }

  /** Whether the backend's kind can pull models at all. */
  canPull(supervisor: BackendSupervisor): boolean {
    return supervisor.config.kind in PULL_COMMANDS;
  }

  /** Refuses with `pull_refused` when the orchestrator runs airgapped. */
  assertAllowed(): void {
    if (this.options.pullMode === 'airgapped') {
      throw new SwitchyardError('pull_refused', AIRGAPPED_MESSAGE);
    }
  }

  /**
   * Has the backend's worker pull `model` (a running backend), sending each progress and result
   * frame on to `ctx`'s caller as it comes.
   */
  async relay(
    supervisor: BackendSupervisor,
    model: string,
    ctx: StreamContext,
    insecure?: boolean,
  ): Promise<void> {
    const kind = supervisor.config.kind as keyof typeof PULL_COMMANDS;
    ctx.setPhase('running');
    const pull: PullModelCommand = {
      id: randomUUID(),
      model,
      ...(insecure === undefined ? {} : { insecure }),
      timeout_ms: Math.max(1, ctx.deadline - Date.now()),
    };
    const frames = this.options.client.stream(
      this.options.subjects.management(supervisor.id, PULL_COMMANDS[kind]),
      pull,
      // The worker logs the pull under the id its caller (the gateway) logs it under.
      { signal: ctx.signal, headers: { [REQUEST_ID_HEADER]: ctx.callerRequestId } },
    );
    for await (const frame of frames) {
      if (frame.type !== 'delta') continue;
      if (frame.progress !== undefined) ctx.send({ type: 'delta', progress: frame.progress });
      if (frame.result !== undefined) ctx.send({ type: 'delta', result: frame.result });
    }
  }

  /** The named backend, or the first configured one (of the asked kind) that can pull. */
  private target(request: PullCommand): BackendSupervisor {
    const { fleet } = this.options;
    if (request.backend !== undefined) {
      const supervisor = fleet.supervisor(request.backend);
      if (!this.canPull(supervisor)) {
        throw new SwitchyardError(
          'unsupported',
          `backend ${supervisor.id} is ${supervisor.config.kind}, which cannot pull models; ` +
            'vLLM loads the model it was started with',
        );
      }
      return supervisor;
    }
    if (request.kind === 'vllm') {
      throw new SwitchyardError(
        'unsupported',
        `vLLM cannot pull models: it loads the model it was started with (pull "${request.model}" into an Ollama or LM Studio backend)`,
      );
    }
    const found = fleet
      .supervisors()
      .find(
        (s) => this.canPull(s) && (request.kind === undefined || s.config.kind === request.kind),
      );
    if (found === undefined) {
      throw new SwitchyardError(
        'not_found',
        `no configured ${request.kind ?? 'Ollama or LM Studio'} backend to pull "${request.model}" into`,
      );
    }
    return found;
  }
}
