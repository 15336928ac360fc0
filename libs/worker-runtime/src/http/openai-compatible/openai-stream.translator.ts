import { SwitchyardError, type FinishReason, type ToolCallDelta } from '@switchyard/contracts';
import type { DeltaEvent, EndEvent, GenerationEvent } from '../../backend-adapter.js';
import type { BackendErrorTranslator } from '../backend-errors.js';
import { SseJsonDecoder } from '../sse-reader.js';
import { completionLogprobEntries, tokenLogprobEntries } from '../token-logprobs.translator.js';
import type {
  OpenAiChoiceLogprobs,
  OpenAiDelta,
  OpenAiStreamChunk,
  OpenAiToolCallDelta,
} from './openai-wire.types.js';

export interface OpenAiStreamTranslatorOptions {
  /** `chat` reads `choices[0].delta`; `completion` reads `choices[0].text`. */
  mode: 'chat' | 'completion';
  /**
   * The request's `logprobs` (alternatives per position), when it asked for them: the
   * alternatives read are limited to it, since a server may add the chosen token to them.
   */
  logprobs?: number | undefined;
  /** The clock behind the worker-measured timings; injectable for tests. */
  now?: () => number;
  /**
   * When the request was sent (by `now`); default: when the translator is made. Pass it when
   * the translator is made after the response headers arrived, so a model load that held the
   * headers back counts in the time to first token.
   */
  startedAt?: number;
}

/**
 * Turns OpenAI-style stream chunks (LM Studio, vLLM) into generation events, one chunk at a
 * time. It copes with both places a finish reason can ride: a separate empty-delta chunk
 * (OpenAI, LM Studio) or the chunk holding the last text (vLLM), whose text is emitted first.
 * Usage comes from the usage chunk when the backend sends one (vLLM, and LM Studio if it honours
 * `include_usage`); otherwise completion tokens are counted as one per content-bearing chunk (a
 * tool call's header chunk bears none), which is how llama.cpp-based servers stream, and prompt
 * tokens are unknown (0). These servers report no timings while streaming, so timings are always
 * measured here (`source: worker`).
 */
export class OpenAiStreamTranslator {
  private readonly now: () => number;
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private lastTokenAt: number | undefined;
  private countedTokens = 0;
  private sawToolCalls = false;
  private finishReason: string | undefined;
  private stopSequence: string | undefined;
  private usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  private model: string | undefined;

  constructor(private readonly options: OpenAiStreamTranslatorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = options.startedAt ?? this.now();
  }

  /** The events one chunk holds (often none: role-only and usage chunks). */
  push(raw: unknown): DeltaEvent[] {
    const chunk = (raw ?? {}) as OpenAiStreamChunk;
    if (typeof chunk.model === 'string') this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    // Canonical requests ask for one choice; a backend that sends more is not followed.
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice = choices.find((c) => (c.index ?? 0) === 0);
    if (choice === undefined) return [];
    const event = this.withLogprobs(
      this.options.mode === 'chat' ? chatDelta(choice.delta) : textDelta(choice.text),
      choice.logprobs,
    );
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    // vLLM names the stop string that matched (a number is a stop token's id: no sequence).
    if (typeof choice.stop_reason === 'string') this.stopSequence = choice.stop_reason;
    if (event === undefined) return [];
    if (event.tool_calls !== undefined) this.sawToolCalls = true;
    const at = this.now();
    this.firstTokenAt ??= at;
    this.lastTokenAt = at;
    if (carriesTokens(event)) this.countedTokens++;
    return [event];
  }

  /**
   * The event with the log-probabilities of its text's tokens, when the chunk has some: a chat's
   * `logprobs.content` entries, or a completion's lists.
   */
  private withLogprobs(
    event: DeltaEvent | undefined,
    logprobs: OpenAiChoiceLogprobs | null | undefined,
  ): DeltaEvent | undefined {
    if (event?.text === undefined || logprobs === null || logprobs === undefined) return event;
    const top = this.options.logprobs;
    const entries =
      this.options.mode === 'chat'
        ? tokenLogprobEntries(logprobs.content, top)
        : completionLogprobEntries(logprobs, top);
    return entries === undefined ? event : Object.assign({}, event, { logprobs: entries });
  }

  /** The end of a stream that finished; a stream without a finish reason was cut off. */
  end(): EndEvent {
    if (this.finishReason === undefined) {
      throw new SwitchyardError(
        'backend_error',
        'the backend stream ended without a finish reason',
      );
    }
    const completionTokens = this.usage?.completion_tokens ?? this.countedTokens;
    const finishReason = mapFinishReason(this.finishReason, this.sawToolCalls);
    const end: EndEvent = {
      type: 'end',
      finish_reason: finishReason,
      usage: { prompt_tokens: this.usage?.prompt_tokens ?? 0, completion_tokens: completionTokens },
      timings: this.timings(completionTokens),
      ...(this.model === undefined ? {} : { model: this.model }),
      ...(finishReason === 'stop' && this.stopSequence !== undefined
        ? { stop_sequence: this.stopSequence }
        : {}),
    };
    return end;
  }

  private timings(completionTokens: number): NonNullable<EndEvent['timings']> {
    const total = this.now() - this.startedAt;
    const timings: NonNullable<EndEvent['timings']> = { source: 'worker', total_ms: total };
    if (this.firstTokenAt === undefined || this.lastTokenAt === undefined) return timings;
    const generation = this.lastTokenAt - this.firstTokenAt;
    return Object.assign(
      {},
      timings,
      { ttft_ms: this.firstTokenAt - this.startedAt },
      // The first token's time is the prompt's; speed is measured over the tokens after it.
      generation > 0 && completionTokens > 1
        ? { tokens_per_second: ((completionTokens - 1) * 1000) / generation }
        : {},
    );
  }
}

/**
 * An OpenAI-style event stream body as generation events: the deltas as they come, then the
 * end once the stream is over (`[DONE]`, or the body ending after a finish reason). The body is
 * opened (`open`: the request is sent) when the reading starts, and the translator's clock starts
 * just before, unless `startedAt` says otherwise.
 *
 * One generator from the body's bytes to the events, the decoding and translating done a chunk at
 * a time in between: every generator stacked on a stream costs each of its tokens a few promises,
 * which under many streams is most of what the worker allocates (profiled).
 */
export async function* translateOpenAiStream(
  open: () => Promise<AsyncIterable<Uint8Array>>,
  options: OpenAiStreamTranslatorOptions & { translateError: BackendErrorTranslator },
): AsyncGenerator<GenerationEvent, void, undefined> {
  const decoder = new SseJsonDecoder({ translateError: options.translateError });
  const translator = new OpenAiStreamTranslator(options);
  for await (const bytes of await open()) {
    for (const chunk of decoder.push(bytes)) {
      for (const event of translator.push(chunk)) yield event;
    }
    if (decoder.done) break;
  }
  if (!decoder.done) decoder.end();
  yield translator.end();
}

function chatDelta(delta: OpenAiDelta | undefined): DeltaEvent | undefined {
  if (delta === undefined) return undefined;
  const text = nonEmpty(delta.content);
  const reasoning = nonEmpty(delta.reasoning_content) ?? nonEmpty(delta.reasoning);
  const toolCalls = delta.tool_calls?.length ? delta.tool_calls.map(toToolCallDelta) : undefined;
  if (text === undefined && reasoning === undefined && toolCalls === undefined) return undefined;
  return {
    type: 'delta',
    ...(text === undefined ? {} : { text }),
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(toolCalls === undefined ? {} : { tool_calls: toolCalls }),
  };
}

/**
 * Whether a chunk holds generated tokens. The header of a tool call (its id and name, with empty
 * arguments) is framing the server adds before the arguments, not a token of the answer.
 */
function carriesTokens(event: DeltaEvent): boolean {
  return (
    event.text !== undefined ||
    event.reasoning !== undefined ||
    (event.tool_calls ?? []).some((call) => (call.arguments ?? '').length > 0)
  );
}

function textDelta(text: string | undefined): DeltaEvent | undefined {
  const value = nonEmpty(text);
  return value === undefined ? undefined : { type: 'delta', text: value };
}

function toToolCallDelta(call: OpenAiToolCallDelta, position: number): ToolCallDelta {
  const fragment: ToolCallDelta = { index: call.index ?? position };
  if (call.id !== undefined) fragment.id = call.id;
  if (call.function?.name !== undefined) fragment.name = call.function.name;
  if (call.function?.arguments !== undefined) fragment.arguments = call.function.arguments;
  return fragment;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * OpenAI finish reasons onto the canonical ones. `function_call` is the deprecated name of
 * `tool_calls`; vLLM's `abort` and `error` mean the engine cut the answer off (a pause or sleep
 * that aborts, an engine failure), which must not pass for a finished answer: a retryable
 * `backend_error`. Anything else unknown (vLLM's `repetition`, LM Studio's `userStopped`…) ended
 * the text as a stop would. A `stop` after tool calls is reported as `tool_calls`, which is what
 * clients look at to run the tools.
 */
export function mapFinishReason(reason: string, sawToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'abort':
    case 'error':
      throw new SwitchyardError(
        'backend_error',
        `the backend cut the answer off (finish_reason "${reason}")`,
      );
    default:
      return sawToolCalls ? 'tool_calls' : 'stop';
  }
}
