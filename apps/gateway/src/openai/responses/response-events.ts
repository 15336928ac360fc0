import type { DeltaFrame, EndFrame, SwitchyardError, ToolCallDelta } from '@switchyard/contracts';
import { chatLogprobs, type ChatLogprobs } from '../openai-logprobs.translator.js';

/** What every event of one response shares. */
export interface ResponseIdentity {
  id: string;
  createdAt: number;
  model: string;
}

export type ResponseEvent = { type: string; sequence_number: number } & Record<string, unknown>;

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';
type Logprob = ChatLogprobs['content'][number];

/** The output item being written: its text so far, or its call's arguments so far. */
type OpenItem =
  | { type: 'message'; index: number; id: string; text: string; logprobs: Logprob[] }
  | { type: 'reasoning'; index: number; id: string; text: string }
  | {
      type: 'function_call';
      index: number;
      id: string;
      callIndex: number;
      callId: string;
      name: string;
      arguments: string;
    };

type Item = Record<string, unknown>;

/**
 * A response of the OpenAI Responses API, built from reply frames, as the events that stream it:
 * `response.created` and `response.in_progress`, then the output items in the order the model
 * produced them (reasoning, the message's text, each function call: every change of kind closes
 * the item before and opens the next, so items never overlap), each opened with
 * `output_item.added`, filled with deltas and closed with its `done` events, and last
 * `response.completed` (or `response.incomplete` when the answer was cut at
 * `max_output_tokens`), or `response.failed`. Every event is numbered by `sequence_number`. A
 * whole (non-streamed) response is the one the last event carries.
 */
export class ResponseEvents {
  private sequence = 0;
  /** The items so far, closed ones whole and the open one as it was added. */
  private readonly output: Item[] = [];
  private open: OpenItem | undefined;
  /** Function calls by their index in the answer, for fragments of an earlier call. */
  private readonly calls = new Map<number, Extract<OpenItem, { type: 'function_call' }>>();

  constructor(
    private readonly identity: ResponseIdentity,
    /** The request's settings the response object repeats. */
    private readonly settings: Record<string, unknown>,
    private readonly logprobs: boolean,
  ) {}

  created(): ResponseEvent[] {
    const response = this.response('in_progress');
    return [
      this.event('response.created', { response }),
      this.event('response.in_progress', { response }),
    ];
  }

  delta(frame: DeltaFrame): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (frame.reasoning !== undefined && frame.reasoning !== '') {
      events.push(...this.reasoning(frame.reasoning));
    }
    if (frame.text !== undefined && (frame.text !== '' || frame.logprobs?.length)) {
      events.push(...this.text(frame));
    }
    for (const fragment of frame.tool_calls ?? []) events.push(...this.toolCall(fragment));
    return events;
  }

  end(end: EndFrame): ResponseEvent[] {
    const incomplete = incompleteReason(end.finish_reason);
    const events = this.closeOpen(incomplete === undefined ? 'completed' : 'incomplete');
    const response = {
      ...this.response(incomplete === undefined ? 'completed' : 'incomplete'),
      incomplete_details: incomplete === undefined ? null : { reason: incomplete },
      usage: {
        input_tokens: end.usage.prompt_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: end.usage.completion_tokens,
        // Backends do not report the thinking part of their count apart.
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: end.usage.prompt_tokens + end.usage.completion_tokens,
      },
    };
    const type = incomplete === undefined ? 'response.completed' : 'response.incomplete';
    events.push(this.event(type, { response }));
    return events;
  }

  /** The response failed after it started: the items so far (the open one as it stands), and the error. */
  failed(error: SwitchyardError): ResponseEvent[] {
    const output = [...this.output];
    if (this.open !== undefined) output[this.open.index] = wholeItem(this.open, 'incomplete');
    const response: Item = {
      ...this.response('failed'),
      error: { code: error.code, message: error.message },
      output,
    };
    return [this.event('response.failed', { response })];
  }

  /** The whole response of a non-streamed answer. */
  whole(deltas: readonly DeltaFrame[], end: EndFrame): Item {
    for (const frame of deltas) this.delta(frame);
    const last = this.end(end).at(-1) as ResponseEvent;
    return last['response'] as Item;
  }

  private reasoning(text: string): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    let item = this.open;
    if (item?.type !== 'reasoning') {
      events.push(...this.closeOpen('completed'));
      item = { type: 'reasoning', index: this.output.length, id: this.itemId('rs'), text: '' };
      events.push(
        ...this.add(item, { type: 'reasoning', id: item.id, summary: [], content: [] }),
        this.event('response.content_part.added', {
          ...this.place(item),
          content_index: 0,
          part: { type: 'reasoning_text', text: '' },
        }),
      );
    }
    item.text += text;
    events.push(
      this.event('response.reasoning_text.delta', {
        ...this.place(item),
        content_index: 0,
        delta: text,
      }),
    );
    return events;
  }

  private text(frame: DeltaFrame): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    let item = this.open;
    if (item?.type !== 'message') {
      events.push(...this.closeOpen('completed'));
      item = {
        type: 'message',
        index: this.output.length,
        id: this.itemId('msg'),
        text: '',
        logprobs: [],
      };
      events.push(
        ...this.add(item, {
          type: 'message',
          id: item.id,
          status: 'in_progress',
          role: 'assistant',
          content: [],
        }),
        this.event('response.content_part.added', {
          ...this.place(item),
          content_index: 0,
          part: outputText('', []),
        }),
      );
    }
    const logprobs = this.logprobs ? chatLogprobs(frame.logprobs ?? []).content : [];
    item.text += frame.text ?? '';
    for (const entry of logprobs) item.logprobs.push(entry);
    events.push(
      this.event('response.output_text.delta', {
        ...this.place(item),
        content_index: 0,
        delta: frame.text ?? '',
        logprobs,
      }),
    );
    return events;
  }

  private toolCall(fragment: ToolCallDelta): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    let item = this.calls.get(fragment.index);
    if (item === undefined) {
      events.push(...this.closeOpen('completed'));
      item = {
        type: 'function_call',
        index: this.output.length,
        id: this.itemId('fc'),
        callIndex: fragment.index,
        // As the chat API's answers do when a backend gave no id.
        callId: fragment.id ?? `call_${fragment.index}`,
        name: fragment.name ?? '',
        arguments: '',
      };
      this.calls.set(fragment.index, item);
      events.push(...this.add(item, functionCall(item, 'in_progress')));
    } else if (fragment.name !== undefined) {
      item.name += fragment.name;
    }
    if (fragment.arguments !== undefined && fragment.arguments !== '') {
      item.arguments += fragment.arguments;
      // A fragment of a call closed already (calls were interleaved): its whole self grows too.
      if (this.open !== item) this.output[item.index] = wholeItem(item, 'completed');
      events.push(
        this.event('response.function_call_arguments.delta', {
          ...this.place(item),
          delta: fragment.arguments,
        }),
      );
    }
    return events;
  }

  /** Opens an item: it takes the next place in the output. */
  private add(item: OpenItem, added: Item): ResponseEvent[] {
    this.open = item;
    this.output.push(added);
    return [this.event('response.output_item.added', { output_index: item.index, item: added })];
  }

  /** Closes the open item with its `done` events; its whole self takes its place. */
  private closeOpen(status: 'completed' | 'incomplete'): ResponseEvent[] {
    const item = this.open;
    if (item === undefined) return [];
    this.open = undefined;
    const place = this.place(item);
    const events: ResponseEvent[] = [];
    if (item.type === 'message') {
      events.push(
        this.event('response.output_text.done', {
          ...place,
          content_index: 0,
          text: item.text,
          logprobs: item.logprobs,
        }),
        this.event('response.content_part.done', {
          ...place,
          content_index: 0,
          part: outputText(item.text, item.logprobs),
        }),
      );
    } else if (item.type === 'reasoning') {
      events.push(
        this.event('response.reasoning_text.done', { ...place, content_index: 0, text: item.text }),
        this.event('response.content_part.done', {
          ...place,
          content_index: 0,
          part: reasoningText(item.text),
        }),
      );
    } else {
      events.push(
        this.event('response.function_call_arguments.done', {
          ...place,
          name: item.name,
          arguments: item.arguments,
        }),
      );
    }
    const done = wholeItem(item, status);
    this.output[item.index] = done;
    events.push(this.event('response.output_item.done', { output_index: item.index, item: done }));
    return events;
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

  private place(item: OpenItem): { item_id: string; output_index: number } {
    return { item_id: item.id, output_index: item.index };
  }

  private itemId(prefix: string): string {
    return `${prefix}_${this.identity.id.replace(/^resp_/, '')}_${this.output.length}`;
  }

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }
}

/** An item as it stands, with `status`. */
function wholeItem(item: OpenItem, status: string): Item {
  if (item.type === 'message') {
    const content = [outputText(item.text, item.logprobs)];
    return { type: 'message', id: item.id, status, role: 'assistant', content };
  }
  if (item.type === 'reasoning') {
    const content = [reasoningText(item.text)];
    return { type: 'reasoning', id: item.id, summary: [], content, status };
  }
  return functionCall(item, status);
}

function reasoningText(text: string): Item {
  return { type: 'reasoning_text', text };
}

function outputText(text: string, logprobs: Logprob[]): Item {
  return { type: 'output_text', text, annotations: [], logprobs };
}

function functionCall(item: Extract<OpenItem, { type: 'function_call' }>, status: string): Item {
  return {
    type: 'function_call',
    id: item.id,
    call_id: item.callId,
    name: item.name,
    arguments: item.arguments,
    status,
  };
}

/** Why an answer that ended so is incomplete, in the Responses API's words; else undefined. */
function incompleteReason(finish: EndFrame['finish_reason']): string | undefined {
  if (finish === 'length') return 'max_output_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return undefined;
}
