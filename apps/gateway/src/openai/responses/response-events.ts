import { SwitchyardError, type DeltaFrame, type EndFrame } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import { AnswerSegments, type Segment, type SegmentChange } from '../../http/answer-segments.js';
import type { ChatAnswerFormat } from '../../routing/routed-answer.js';
import { chatLogprobs } from '../openai-logprobs.translator.js';
import type { ClientToolName } from './responses-tools.js';

/** What every event of one response shares. */
export interface ResponseIdentity {
  id: string;
  createdAt: number;
  model: string;
}

export type ResponseEvent = { type: string; sequence_number: number } & Record<string, unknown>;

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';
type Item = Record<string, unknown>;

const ITEM_ID_PREFIX: Record<Segment['kind'], string> = {
  reasoning: 'rs',
  text: 'msg',
  tool_call: 'fc',
};

/**
 * A response of the OpenAI Responses API, built from reply frames, as the events that stream it:
 * `response.created` and `response.in_progress`, then an output item per segment of the answer
 * (reasoning, the message's text, each function call; see `AnswerSegments`), each opened with
 * `output_item.added`, filled with deltas and closed with its `done` events, and last
 * `response.completed` (or `response.incomplete` when the answer was cut at
 * `max_output_tokens`), or `response.failed`. Every event is numbered by `sequence_number`. A
 * whole (non-streamed) response is the one the last event carries.
 */
export class ResponseEvents implements ChatAnswerFormat {
  private sequence = 0;
  private readonly segments = new AnswerSegments();
  /** The output items: closed ones whole, the open one as it was added. */
  private readonly output: Item[] = [];
  /**
   * Whether the request asked for reasoning summaries (`reasoning.summary`, as the response states
   * it): the reasoning is then its own summary too, as backends summarise nothing, since clients
   * such as the Vercel AI SDK and LangChain show a reasoning item's summary only.
   */
  private readonly summarize: boolean;

  constructor(
    private readonly identity: ResponseIdentity,
    /** The request's settings the response object repeats. */
    private readonly settings: Record<string, unknown>,
    private readonly logprobs: boolean,
    /** The client's name for a function the model called (see `translateTools`). */
    private readonly clientToolName: (flatName: string) => ClientToolName = (name) => ({ name }),
    /**
     * Given the output items of an answer that ended (completed or incomplete) before its last
     * event goes out, so that a reference to one in the client's next request finds it.
     */
    private readonly keep: (output: readonly Item[]) => void = () => undefined,
  ) {
    const reasoning = settings['reasoning'] as { summary?: unknown } | null | undefined;
    this.summarize = reasoning?.summary != null;
  }

  created(): ResponseEvent[] {
    const response = this.response('in_progress');
    return [
      this.event('response.created', { response }),
      this.event('response.in_progress', { response }),
    ];
  }

  delta(frame: DeltaFrame): ResponseEvent[] {
    return this.segments.push(frame).flatMap((change) => this.changed(change, 'completed'));
  }

  end(end: EndFrame): ResponseEvent[] {
    const incomplete = incompleteReason(end.finish_reason);
    const status = incomplete === undefined ? 'completed' : 'incomplete';
    const events = this.segments.finish().flatMap((change) => this.changed(change, status));
    const response = Object.assign({}, this.response(status), {
      incomplete_details: incomplete === undefined ? null : { reason: incomplete },
      usage: {
        input_tokens: end.usage.prompt_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: end.usage.completion_tokens,
        // Backends do not report the thinking part of their count apart.
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: end.usage.prompt_tokens + end.usage.completion_tokens,
      },
    });
    this.keep(response['output'] as Item[]);
    events.push(this.event(`response.${status}`, { response }));
    return events;
  }

  /** The response failed after it started: the items so far (the open one as it stands), and the error. */
  failed(error: SwitchyardError): ResponseEvent[] {
    const output = [...this.output];
    const open = this.segments.open;
    if (open !== undefined) output[open.index] = this.item(open, 'incomplete');
    const response: Item = Object.assign({}, this.response('failed'), {
      error: { code: responsesErrorCode(error), message: `${error.message} (${error.code})` },
      output,
    });
    return [this.event('response.failed', { response })];
  }

  /** The events of a streamed response; a failure after it started is its `response.failed`. */
  async *events(frames: AsyncIterable<StreamFrame>): AsyncGenerator<ResponseEvent> {
    yield* this.created();
    try {
      for await (const frame of frames) {
        if (frame.type === 'delta') yield* this.delta(frame);
        else if (frame.type === 'end') yield* this.end(frame);
      }
    } catch (thrown) {
      yield* this.failed(SwitchyardError.from(thrown));
    }
  }

  /** The whole response of a non-streamed answer. */
  whole(deltas: readonly DeltaFrame[], end: EndFrame): Item {
    for (const frame of deltas) this.delta(frame);
    const last = this.end(end).at(-1) as ResponseEvent;
    return last['response'] as Item;
  }

  private changed(change: SegmentChange, closing: 'completed' | 'incomplete'): ResponseEvent[] {
    const { segment } = change;
    const place = { item_id: this.itemId(segment), output_index: segment.index };
    if (change.type === 'open') return this.added(segment, place);
    if (change.type === 'close') return this.done(segment, place, closing);
    if (segment.kind === 'reasoning') {
      const events = [
        this.event(
          'response.reasoning_text.delta',
          Object.assign({}, place, { content_index: 0, delta: change.piece }),
        ),
      ];
      if (this.summarize) {
        events.push(
          this.event(
            'response.reasoning_summary_text.delta',
            Object.assign({}, place, { summary_index: 0, delta: change.piece }),
          ),
        );
      }
      return events;
    }
    if (segment.kind === 'text') {
      return [
        this.event(
          'response.output_text.delta',
          Object.assign({}, place, {
            content_index: 0,
            delta: change.piece,
            logprobs: this.entries(change.logprobs ?? []),
          }),
        ),
      ];
    }
    // A fragment of a call closed already (calls were interleaved): its whole self grows too.
    if (this.segments.open !== segment)
      this.output[segment.index] = this.item(segment, 'completed');
    return [
      this.event(
        'response.function_call_arguments.delta',
        Object.assign({}, place, { delta: change.piece }),
      ),
    ];
  }

  /** An item opened: it takes its place in the output, empty, as `in_progress`. */
  private added(
    segment: Segment,
    place: { item_id: string; output_index: number },
  ): ResponseEvent[] {
    const item =
      segment.kind === 'reasoning'
        ? { type: 'reasoning', id: place.item_id, summary: [], content: [] }
        : segment.kind === 'text'
          ? {
              type: 'message',
              id: place.item_id,
              status: 'in_progress',
              role: 'assistant',
              content: [],
            }
          : Object.assign({}, this.item(segment, 'in_progress'), { arguments: '' });
    this.output[segment.index] = item;
    const events = [
      this.event('response.output_item.added', { output_index: segment.index, item }),
    ];
    if (segment.kind !== 'tool_call') {
      const part = segment.kind === 'text' ? outputText('', []) : reasoningText('');
      events.push(
        this.event(
          'response.content_part.added',
          Object.assign({}, place, { content_index: 0, part }),
        ),
      );
    }
    if (segment.kind === 'reasoning' && this.summarize) {
      events.push(
        this.event(
          'response.reasoning_summary_part.added',
          Object.assign({}, place, { summary_index: 0, part: summaryText('') }),
        ),
      );
    }
    return events;
  }

  /** An item closed: its `done` events, and its whole self in its place. */
  private done(
    segment: Segment,
    place: { item_id: string; output_index: number },
    status: 'completed' | 'incomplete',
  ): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (segment.kind === 'text') {
      const logprobs = this.entries(segment.logprobs);
      events.push(
        this.event(
          'response.output_text.done',
          Object.assign({}, place, { content_index: 0, text: segment.text, logprobs }),
        ),
        this.event(
          'response.content_part.done',
          Object.assign({}, place, { content_index: 0, part: outputText(segment.text, logprobs) }),
        ),
      );
    } else if (segment.kind === 'reasoning') {
      events.push(
        this.event(
          'response.reasoning_text.done',
          Object.assign({}, place, { content_index: 0, text: segment.text }),
        ),
        this.event(
          'response.content_part.done',
          Object.assign({}, place, { content_index: 0, part: reasoningText(segment.text) }),
        ),
      );
      if (this.summarize) {
        events.push(
          this.event(
            'response.reasoning_summary_text.done',
            Object.assign({}, place, { summary_index: 0, text: segment.text }),
          ),
          this.event(
            'response.reasoning_summary_part.done',
            Object.assign({}, place, { summary_index: 0, part: summaryText(segment.text) }),
          ),
        );
      }
    } else {
      events.push(
        this.event(
          'response.function_call_arguments.done',
          Object.assign({}, place, this.clientToolName(segment.name), {
            arguments: segment.arguments,
          }),
        ),
      );
    }
    const item = this.item(segment, status);
    this.output[segment.index] = item;
    events.push(this.event('response.output_item.done', { output_index: segment.index, item }));
    return events;
  }

  /** A segment as the output item it is, with `status`. */
  private item(segment: Segment, status: string): Item {
    const id = this.itemId(segment);
    if (segment.kind === 'text') {
      const content = [outputText(segment.text, this.entries(segment.logprobs))];
      return { type: 'message', id, status, role: 'assistant', content };
    }
    if (segment.kind === 'reasoning') {
      const summary = this.summarize ? [summaryText(segment.text)] : [];
      return { type: 'reasoning', id, summary, content: [reasoningText(segment.text)], status };
    }
    return {
      type: 'function_call',
      id,
      call_id: segment.id,
      ...this.clientToolName(segment.name),
      arguments: segment.arguments,
      status,
    };
  }

  /** Text tokens' log-probabilities, as asked (none when the client did not ask). */
  private entries(logprobs: Parameters<typeof chatLogprobs>[0]): unknown[] {
    return this.logprobs ? chatLogprobs(logprobs).content : [];
  }

  private response(status: Status): Item {
    const { id, createdAt, model } = this.identity;
    return {
      id,
      object: 'response',
      created_at: createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      model,
      output: [...this.output],
      previous_response_id: null,
      usage: null,
      ...this.settings,
    };
  }

  private itemId(segment: Segment): string {
    return `${ITEM_ID_PREFIX[segment.kind]}_${this.identity.id.replace(/^resp_/, '')}_${segment.index}`;
  }

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }
}

function reasoningText(text: string): Item {
  return { type: 'reasoning_text', text };
}

function summaryText(text: string): Item {
  return { type: 'summary_text', text };
}

function outputText(text: string, logprobs: unknown[]): Item {
  return { type: 'output_text', text, annotations: [], logprobs };
}

/** Why an answer that ended so is incomplete, in the Responses API's words; else undefined. */
function incompleteReason(finish: EndFrame['finish_reason']): string | undefined {
  if (finish === 'length') return 'max_output_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return undefined;
}

/**
 * The Responses API's `error.code` is one of its own (its SDKs type it so): a failure after the
 * response started is the backend's or the fleet's, `server_error`, but for a rate limit. The
 * catalogue's code goes in the message.
 */
function responsesErrorCode(error: SwitchyardError): 'rate_limit_exceeded' | 'server_error' {
  return error.code === 'rate_limited' ? 'rate_limit_exceeded' : 'server_error';
}
