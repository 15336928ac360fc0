import { Inject, Injectable } from '@nestjs/common';
import {
  backendStatusSchema,
  ensureResultSchema,
  orchestratorErrorReplySchema,
  REQUEST_ID_HEADER,
  statusAnswerSchema,
  Subjects,
  SwitchyardError,
  type BackendKind,
  type BackendStatus,
  type ErrorCode,
  type PullCommand,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import {
  NATS_CONNECTION,
  RequestStreamClient,
  type FrameStream,
  type NatsConnection,
  type StreamResult,
} from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { generateRequestId } from '../http/request-id.js';

/** `status` answers at once; waiting longer means no orchestrator is there. */
const STATUS_TIMEOUT_MS = 2_000;

/**
 * How long an `ensure` that found nothing to start is believed without asking again. A client
 * retrying a model nobody serves would otherwise cost an orchestrator request and a log line per
 * try; a backend configured since is found at most this late (workers that serve the model are
 * found at once: every request still tries them first).
 */
export const NOTHING_TO_START_TTL_MS = 5_000;
/** The most models remembered as having nothing to start; the oldest is forgotten first. */
const NOTHING_TO_START_MAX = 1_000;

/**
 * What an `ensure` came to: no orchestrator or no managed backend for the model; a worker serves
 * it with nothing started; or a backend was started (or waited for while it started) until a
 * worker served the model.
 */
export type EnsureOutcome = 'nothing_to_start' | 'served' | 'started';

/**
 * The gateway's side of the orchestrator's commands: status for `/admin/backends`, start, stop
 * and restart for the admin routes, `ensure` for models nobody serves yet, and pulls for
 * `/api/pull`. Each call carries the client's request id in its headers.
 */
@Injectable()
export class OrchestratorClient {
  private readonly timeoutMs: number;
  /** `kind/model` → until when `ensure` answers `false` without asking. */
  private readonly nothingToStart = new Map<string, number>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly client: RequestStreamClient,
    private readonly subjects: Subjects,
    @Inject(SERVICE_CONFIG) config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.timeoutMs = config.gateway.request_timeout_ms;
  }

  /**
   * Every configured backend as the orchestrator sees it, or `undefined` with no orchestrator (or
   * none answering within `timeoutMs`).
   */
  async status(options: { timeoutMs?: number } = {}): Promise<BackendStatus[] | undefined> {
    let json: unknown;
    try {
      const reply = await this.nc.request(this.subjects.orchestrator('status'), '{}', {
        timeout: options.timeoutMs ?? STATUS_TIMEOUT_MS,
      });
      json = reply.json();
    } catch {
      return undefined;
    }
    const failure = orchestratorErrorReplySchema.safeParse(json);
    if (failure.success) throw SwitchyardError.fromWire(failure.data.error);
    return statusAnswerSchema.parse(json).backends;
  }

  /** Starts, stops or restarts a configured backend and resolves with its new status. */
  async command(
    command: 'start' | 'stop' | 'restart',
    backend: string,
    requestId: string,
    signal?: AbortSignal,
  ): Promise<BackendStatus> {
    const request = { id: generateRequestId(), backend, timeout_ms: this.timeoutMs };
    const answer = await this.client.collect(this.subjects.orchestrator(command), request, {
      headers: { [REQUEST_ID_HEADER]: requestId },
      ...(signal === undefined ? {} : { signal }),
    });
    const result = answer.deltas.find((delta) => delta.result !== undefined)?.result;
    return backendStatusSchema.parse(result);
  }

  /**
   * Asks the orchestrator to make `model` servable and waits (until `timeoutMs`) for the answer.
   * Resolves `nothing_to_start` when there is nothing to start — no orchestrator, or no managed
   * backend lists the model, now or in an answer of the last {@link NOTHING_TO_START_TTL_MS} —
   * and throws when a start was tried and failed. `because` is the failure that led here.
   */
  async ensure(
    model: string,
    kind: BackendKind | undefined,
    call: { requestId: string; timeoutMs: number; signal: AbortSignal; because: ErrorCode },
  ): Promise<EnsureOutcome> {
    const key = modelKey(model, kind);
    if (this.hasNothingToStart(key)) return 'nothing_to_start';
    // At debug: most requests for a model nobody serves name one nobody will (a typo, a model
    // never pulled), and a client must not fill the log at the default level with its names. A
    // start that happens is logged at info below, and by the orchestrator.
    this.logger.debug(
      { request_id: call.requestId, model, because: call.because },
      'asking the orchestrator to start the model',
    );
    const request = {
      id: generateRequestId(),
      model,
      ...(kind === undefined ? {} : { kind }),
      timeout_ms: call.timeoutMs,
    };
    let answer: StreamResult;
    try {
      answer = await this.client.collect(this.subjects.orchestrator('ensure'), request, {
        signal: call.signal,
        headers: { [REQUEST_ID_HEADER]: call.requestId },
      });
    } catch (error) {
      const failure = SwitchyardError.from(error);
      if (failure.code === 'no_responders' || failure.code === 'model_not_found') {
        this.rememberNothingToStart(key);
        return 'nothing_to_start';
      }
      throw failure;
    }
    // An answer without a result it can read says no more than that the command went through.
    const result = ensureResultSchema.safeParse(
      answer.deltas.find((delta) => delta.result !== undefined)?.result,
    );
    if (!result.success || !result.data.started) return 'served';
    this.logger.info(
      { request_id: call.requestId, model, because: call.because },
      'the orchestrator started a backend for the model',
    );
    return 'started';
  }

  /** Whether an `ensure` for `key` found nothing to start less than the time to live ago. */
  private hasNothingToStart(key: string): boolean {
    const until = this.nothingToStart.get(key);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.nothingToStart.delete(key);
    return false;
  }

  private rememberNothingToStart(key: string): void {
    this.nothingToStart.delete(key);
    if (this.nothingToStart.size >= NOTHING_TO_START_MAX) {
      const oldest = this.nothingToStart.keys().next().value;
      if (oldest !== undefined) this.nothingToStart.delete(oldest);
    }
    this.nothingToStart.set(key, Date.now() + NOTHING_TO_START_TTL_MS);
  }

  /** A pull's frame stream: `progress` deltas, then the end. */
  pull(
    fields: Omit<PullCommand, 'id' | 'timeout_ms'>,
    requestId: string,
    signal: AbortSignal,
  ): FrameStream {
    const request = Object.assign({}, fields, {
      id: generateRequestId(),
      timeout_ms: this.timeoutMs,
    });
    return this.client.stream(this.subjects.orchestrator('pull'), request, {
      signal,
      headers: { [REQUEST_ID_HEADER]: requestId },
    });
  }
}

/** A model as `ensure` asks for it: on any backend kind, or on one. */
function modelKey(model: string, kind: BackendKind | undefined): string {
  return `${kind ?? ''}/${model}`;
}
