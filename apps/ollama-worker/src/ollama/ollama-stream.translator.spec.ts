import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { readNdjson, type GenerationEvent } from '@switchyard/worker-runtime';
import { OllamaStreamTranslator } from './ollama-stream.translator.js';

// Recorded NDJSON from the backend reference, sections 1.3 and 1.4.
const GENERATE_STREAM = `{"model":"llama3.2","created_at":"2025-03-01T10:00:00.123456789Z","response":"Hel","done":false}
{"model":"llama3.2","created_at":"2025-03-01T10:00:01.987654321Z","response":"","done":true,"done_reason":"stop","context":[128006,882,128007],"total_duration":2512345678,"load_duration":12345678,"prompt_eval_count":26,"prompt_eval_duration":130000000,"eval_count":42,"eval_duration":2300000000}
`;

const CHAT_STREAM = `{"model":"qwen3","created_at":"2025-03-01T10:00:00.5Z","message":{"role":"assistant","content":"The"},"done":false}
{"model":"qwen3","created_at":"…","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_ab12cd34","function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}}]},"done":false}
{"model":"qwen3","created_at":"…","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":890000000,"load_duration":700000000,"prompt_eval_count":94,"prompt_eval_duration":91000000,"eval_count":11,"eval_duration":90000000}
`;

async function translate(ndjson: string): Promise<GenerationEvent[]> {
  const translator = new OllamaStreamTranslator();
  const events: GenerationEvent[] = [];
  for await (const line of readNdjson([ndjson])) {
    events.push(...translator.push(line));
    if (translator.done) break;
  }
  return events;
}

describe('OllamaStreamTranslator', () => {
  it('reads a /api/generate stream: text, then usage and nanosecond timings', async () => {
    const events = await translate(GENERATE_STREAM);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({ type: 'delta', text: 'Hel' });
    expect(events[1]).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: 26, completion_tokens: 42 },
      model: 'llama3.2',
    });
    const timings = (events[1] as Extract<GenerationEvent, { type: 'end' }>).timings;
    expect(timings?.source).toBe('backend');
    expect(timings?.ttft_ms).toBeCloseTo(142.345678, 6);
    expect(timings?.load_ms).toBeCloseTo(12.345678, 6);
    expect(timings?.tokens_per_second).toBeCloseTo(42 / 2.3, 6);
    expect(timings?.total_ms).toBeCloseTo(2512.345678, 6);
  });

  it('reads a /api/chat stream with a whole tool call as OpenAI-style fragments', async () => {
    const events = await translate(CHAT_STREAM);
    expect(events.slice(0, 3)).toEqual([
      { type: 'delta', text: 'The' },
      {
        type: 'delta',
        tool_calls: [{ index: 0, id: 'call_ab12cd34', name: 'get_weather', arguments: '' }],
      },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '{"city":"Tokyo"}' }] },
    ]);
    expect(events[3]).toEqual({
      type: 'end',
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 94, completion_tokens: 11 },
      timings: {
        source: 'backend',
        ttft_ms: 791,
        load_ms: 700,
        tokens_per_second: (11 / 90_000_000) * 1e9,
        total_ms: 890,
      },
      model: 'qwen3',
    });
  });

  it('emits thinking as reasoning before the text of the same line', () => {
    const translator = new OllamaStreamTranslator();
    expect(
      translator.push({
        message: { role: 'assistant', content: 'A', thinking: 'hmm' },
        done: false,
      }),
    ).toEqual([
      { type: 'delta', reasoning: 'hmm' },
      { type: 'delta', text: 'A' },
    ]);
    expect(translator.push({ thinking: 'generate-style', response: '', done: false })).toEqual([
      { type: 'delta', reasoning: 'generate-style' },
    ]);
  });

  it('numbers tool calls across the stream and gives id-less calls an Ollama-style id', () => {
    const translator = new OllamaStreamTranslator();
    const call = (name: string) => ({
      message: { content: '', tool_calls: [{ function: { index: 0, name, arguments: {} } }] },
      done: false,
    });
    const first = translator.push(call('a'));
    const second = translator.push(call('b'));
    expect(first[0]).toEqual({
      type: 'delta',
      tool_calls: [
        { index: 0, id: expect.stringMatching(/^call_[a-z0-9]{8}$/), name: 'a', arguments: '' },
      ],
    });
    expect(first[1]).toEqual({ type: 'delta', tool_calls: [{ index: 0, arguments: '{}' }] });
    expect(second[0]).toMatchObject({ tool_calls: [{ index: 1, name: 'b' }] });
  });

  it('reports length, and ends load-only answers and absent metrics with zeros', () => {
    const length = new OllamaStreamTranslator().push({
      response: '',
      done: true,
      done_reason: 'length',
      eval_count: 5,
    });
    expect(length).toEqual([
      {
        type: 'end',
        finish_reason: 'length',
        usage: { prompt_tokens: 0, completion_tokens: 5 },
        timings: { source: 'backend' },
      },
    ]);
    const translator = new OllamaStreamTranslator();
    const load = translator.push({
      model: 'm',
      created_at: '2025-03-01T10:00:00Z',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'load',
    });
    expect(load).toEqual([
      {
        type: 'end',
        finish_reason: 'stop',
        usage: { prompt_tokens: 0, completion_tokens: 0 },
        timings: { source: 'backend' },
        model: 'm',
      },
    ]);
    expect(translator.done).toBe(true);
  });

  it('throws a mid-stream error line as a catalogued error', async () => {
    const stream =
      '{"model":"qwen3","created_at":"…","message":{"role":"assistant","content":"The"},"done":false}\n' +
      '{"error":"an error was encountered while running the model: unexpected EOF"}\n';
    const error = await translate(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'backend_error',
      message: 'an error was encountered while running the model: unexpected EOF',
      details: { backend_status: 200 },
    });
  });
});
