import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import type { GenerationEvent } from '../../backend-adapter.js';
import { readSseJson } from '../sse-reader.js';
import { OpenAiStreamTranslator, mapFinishReason } from './openai-stream.translator.js';

// Recorded streams from the backend reference (sections 2.2, 3.5 and 4.3).
const LMSTUDIO_STREAM = `data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1740000000,"model":"m","system_fingerprint":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1740000000,"model":"m","system_fingerprint":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

data: [DONE]
`;

const VLLM_STREAM = `data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"content":"lo!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[],"usage":{"prompt_tokens":12,"total_tokens":15,"completion_tokens":3}}

data: [DONE]

`;

// OpenAI's tool-call streaming example (delta payloads from section 4.3) as whole chunks.
const TOOL_CALL_DELTAS = [
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        index: 0,
        id: 'call_x',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  },
  { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] },
  { tool_calls: [{ index: 0, function: { arguments: 'ty":"Tokyo"}' } }] },
];

async function translate(
  sse: string,
  mode: 'chat' | 'completion' = 'chat',
): Promise<GenerationEvent[]> {
  let clock = 1_000;
  const translator = new OpenAiStreamTranslator({ mode, now: () => (clock += 10) });
  const events: GenerationEvent[] = [];
  for await (const chunk of readSseJson([sse])) events.push(...translator.push(chunk));
  events.push(translator.end());
  return events;
}

describe('OpenAiStreamTranslator', () => {
  it('reads an LM Studio stream: text, then the finish chunk; tokens counted, timings measured', async () => {
    expect(await translate(LMSTUDIO_STREAM)).toEqual([
      { type: 'delta', text: 'Hi' },
      {
        type: 'end',
        finish_reason: 'stop',
        usage: { prompt_tokens: 0, completion_tokens: 1 },
        // Clock: 1010 at the start, 1020 for "Hi", 1030 at the end.
        timings: { source: 'worker', total_ms: 20, ttft_ms: 10 },
        model: 'm',
      },
    ]);
  });

  it('reads a vLLM stream: the finish reason rides on the last text, usage comes after', async () => {
    expect(await translate(VLLM_STREAM)).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo!' },
      {
        type: 'end',
        finish_reason: 'stop',
        usage: { prompt_tokens: 12, completion_tokens: 3 },
        timings: { source: 'worker', total_ms: 30, ttft_ms: 10, tokens_per_second: 200 },
        model: 'my-model',
      },
    ]);
  });

  it('passes tool-call fragments through and reports tool_calls', () => {
    const translator = new OpenAiStreamTranslator({ mode: 'chat' });
    const events = TOOL_CALL_DELTAS.flatMap((delta) =>
      translator.push({ choices: [{ index: 0, delta, finish_reason: null }] }),
    );
    translator.push({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    expect(events).toEqual([
      {
        type: 'delta',
        tool_calls: [{ index: 0, id: 'call_x', name: 'get_weather', arguments: '' }],
      },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '{"ci' }] },
      { type: 'delta', tool_calls: [{ index: 0, arguments: 'ty":"Tokyo"}' }] },
    ]);
    // The header fragment is framing; the two argument fragments are the tokens.
    expect(translator.end()).toMatchObject({
      finish_reason: 'tool_calls',
      usage: { completion_tokens: 2 },
    });
  });

  it('reads reasoning under both of its names', () => {
    const translator = new OpenAiStreamTranslator({ mode: 'chat' });
    expect(translator.push({ choices: [{ delta: { reasoning_content: 'hmm' } }] })).toEqual([
      { type: 'delta', reasoning: 'hmm' },
    ]);
    expect(translator.push({ choices: [{ delta: { reasoning: 'so', content: 'A' } }] })).toEqual([
      { type: 'delta', text: 'A', reasoning: 'so' },
    ]);
  });

  it('reads completion chunks from choices[].text', async () => {
    const sse =
      'data: {"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":"Once","finish_reason":null}]}\n\n' +
      'data: {"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":" upon","finish_reason":"length"}]}\n\n' +
      'data: [DONE]\n\n';
    const events = await translate(sse, 'completion');
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Once' },
      { type: 'delta', text: ' upon' },
    ]);
    expect(events[2]).toMatchObject({
      finish_reason: 'length',
      usage: { prompt_tokens: 0, completion_tokens: 2 },
    });
  });

  it('names the stop sequence vLLM says ended the answer, and only a string one', () => {
    const ended = (choice: Record<string, unknown>) => {
      const translator = new OpenAiStreamTranslator({ mode: 'chat' });
      translator.push({ choices: [{ delta: { content: 'Hi' }, ...choice }] });
      return translator.end().stop_sequence;
    };
    expect(ended({ finish_reason: 'stop', stop_reason: 'END' })).toBe('END');
    // A stop token's id, the end of the sequence, or a cut at the length limit: no sequence.
    expect(ended({ finish_reason: 'stop', stop_reason: 128009 })).toBeUndefined();
    expect(ended({ finish_reason: 'stop', stop_reason: null })).toBeUndefined();
    expect(ended({ finish_reason: 'length', stop_reason: 'END' })).toBeUndefined();
  });

  it('calls a stream that ended without a finish reason cut off', () => {
    const translator = new OpenAiStreamTranslator({ mode: 'chat' });
    translator.push({ choices: [{ delta: { content: 'Hal' } }] });
    let error: unknown;
    try {
      translator.end();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'backend_error', retryable: true });
  });
});

describe('mapFinishReason', () => {
  it('maps OpenAI and backend reasons onto the canonical ones', () => {
    expect(mapFinishReason('stop', false)).toBe('stop');
    expect(mapFinishReason('stop', true)).toBe('tool_calls');
    expect(mapFinishReason('length', true)).toBe('length');
    expect(mapFinishReason('function_call', false)).toBe('tool_calls');
    expect(mapFinishReason('content_filter', false)).toBe('content_filter');
    expect(mapFinishReason('repetition', false)).toBe('stop');
  });

  it("reports vLLM's abort and error as a cut-off answer, not a finished one", () => {
    for (const reason of ['abort', 'error']) {
      expect(() => mapFinishReason(reason, false)).toThrow(
        expect.objectContaining({ code: 'backend_error', retryable: true }),
      );
    }
  });
});
