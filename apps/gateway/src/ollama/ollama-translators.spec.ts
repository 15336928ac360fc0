import { describe, expect, it } from '@jest/globals';
import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import { jsonPieces, type ListBody } from '../http/json-pieces.js';
import { translateOllamaChat, translateOllamaGenerate } from './ollama-request.translator.js';
import {
  ollamaChatAnswer,
  OllamaChatLines,
  ollamaEmbedAnswer,
  ollamaGenerateAnswer,
  OllamaGenerateLines,
  ollamaStatistics,
} from './ollama-response.translator.js';

const end: EndFrame = {
  type: 'end',
  seq: 3,
  finish_reason: 'length',
  usage: { prompt_tokens: 5, completion_tokens: 10 },
  timings: { source: 'backend', load_ms: 100, ttft_ms: 150, tokens_per_second: 50, total_ms: 400 },
};

describe('Ollama requests as canonical requests', () => {
  it('translate images, tool calls and results, format, think and options', () => {
    const translated = translateOllamaChat({
      model: 'llava',
      messages: [
        { role: 'user', content: 'look', images: ['aGk='] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'see', arguments: { a: 1 } } }],
        },
        { role: 'tool', content: 'cat', tool_name: 'see' },
      ],
      format: 'json',
      think: false,
      keep_alive: '5m',
      options: { num_predict: 7, temperature: 0.1, stop: 'x', num_ctx: 8192 },
    });
    expect(translated.stream).toBe(true);
    expect(translated.shortcut).toBeUndefined();
    expect(translated.body).toEqual({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', data: 'aGk=' },
          ],
        },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_1_0', name: 'see', arguments: '{"a":1}' }],
        },
        { role: 'tool', content: 'cat', name: 'see', tool_call_id: 'call_1_0' },
      ],
      response_format: { type: 'json_object' },
      reasoning_effort: 'none',
      max_tokens: 7,
      temperature: 0.1,
      stop: ['x'],
      options: { ollama: { num_ctx: 8192, keep_alive: '5m', think: false } },
    });
  });

  it('give each tool result the call it answers: in order, by tool, two calls of one tool too', () => {
    const call = (name: string, city: string) => ({ function: { name, arguments: { city } } });
    const translated = translateOllamaChat({
      model: 'llama3.2',
      messages: [
        { role: 'user', content: 'Weather and time in Paris and Oslo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            call('weather', 'Paris'),
            call('time', 'Paris'),
            call('weather', 'Oslo'),
            call('time', 'Oslo'),
          ],
        },
        { role: 'tool', content: 'sunny', tool_name: 'weather' },
        { role: 'tool', content: 'snow', tool_name: 'weather' },
        // Older clients name no tool: the next call not yet answered.
        { role: 'tool', content: '10:00' },
        { role: 'tool', content: '11:00', tool_name: 'time' },
      ],
    });
    const ids = (translated.body.messages as { tool_call_id?: string }[]).map(
      (message) => message.tool_call_id,
    );
    expect(ids).toEqual([undefined, undefined, 'call_1_0', 'call_1_2', 'call_1_1', 'call_1_3']);
  });

  it('refuse an image that is not base64, naming the message and image it is', () => {
    const chat = (images: string[]) => () =>
      translateOllamaChat({
        model: 'llava',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'user', content: 'look', images },
        ],
      });
    expect(chat(['aGk=', '!!notbase64'])).toThrow(
      expect.objectContaining({
        code: 'bad_request',
        message: 'messages[1].images[1]: image data must be base64',
        details: { param: 'messages[1].images[1]' },
      }),
    );
  });

  it('treat a request without a prompt as the load shortcut', () => {
    expect(translateOllamaGenerate({ model: 'm' }).shortcut).toBe('load');
    expect(translateOllamaGenerate({ model: 'm', keep_alive: '10m' }).shortcut).toBe('load');
    // `ollama stop` sends keep_alive 0; Ollama reads any zero Go duration the same way.
    for (const keep_alive of [0, '0', '0s', '0m', '0h0m0s', '0.0s']) {
      expect([keep_alive, translateOllamaGenerate({ model: 'm', keep_alive }).shortcut]).toEqual([
        keep_alive,
        'unload',
      ]);
      expect(translateOllamaChat({ model: 'm', messages: [], keep_alive }).shortcut).toBe('unload');
    }
    expect(translateOllamaGenerate({ model: 'm', keep_alive: '-1s' }).shortcut).toBe('load');
    expect(translateOllamaGenerate({ model: 'm', keep_alive: '10s' }).shortcut).toBe('load');
  });

  it('give a generate request its system prompt and format as canonical fields, for any kind', () => {
    const generate = translateOllamaGenerate({
      model: 'm',
      prompt: 'p',
      system: 's',
      format: 'json',
      stream: false,
    });
    expect(generate).toMatchObject({ stream: false, shortcut: undefined });
    expect(generate.body).toEqual({
      prompt: 'p',
      system: 's',
      response_format: { type: 'json_object' },
      stream: false,
    });
    // Ollama reads an empty system prompt and an empty format as none.
    const empty = translateOllamaGenerate({ model: 'm', prompt: 'p', system: '', format: '' });
    expect(empty.body).toEqual({ prompt: 'p' });
  });

  it('pass a template and a context on to Ollama backends, empty ones as none', () => {
    const generate = translateOllamaGenerate({
      model: 'm',
      prompt: 'p',
      template: '[INST] {{ .Prompt }} [/INST]',
      context: [1, 2, 3],
    });
    expect(generate.body).toEqual({
      prompt: 'p',
      options: { ollama: { template: '[INST] {{ .Prompt }} [/INST]', context: [1, 2, 3] } },
    });
    const empty = translateOllamaGenerate({ model: 'm', prompt: 'p', template: '', context: [] });
    expect(empty.body).toEqual({ prompt: 'p' });
  });

  it('refuse a raw generate with a system prompt in Ollama words, and pass raw alone on', () => {
    const raw = { model: 'm', prompt: 'p', raw: true };
    expect(() => translateOllamaGenerate({ ...raw, system: 's' })).toThrow(
      expect.objectContaining({
        code: 'bad_request',
        message: 'raw mode does not support template, system, or context',
      }),
    );
    expect(translateOllamaGenerate({ ...raw, system: '' }).body).toEqual({
      prompt: 'p',
      raw: true,
    });
    for (const templated of [{ template: '{{ .Prompt }}' }, { context: [1, 2, 3] }]) {
      expect(() => translateOllamaGenerate({ ...raw, ...templated })).toThrow(
        expect.objectContaining({
          code: 'bad_request',
          message: 'raw mode does not support template, system, or context',
        }),
      );
    }
    // Ollama unloads before it checks the request.
    const unload = { model: 'm', raw: true, system: 's', keep_alive: 0 };
    expect(translateOllamaGenerate(unload).shortcut).toBe('unload');
  });

  it("take options.top_k -1, llama.cpp's no top-k cut, as the canonical 0, and refuse other negatives", () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const topK = (top_k: number) =>
      translateOllamaChat({ model: 'm', messages, options: { top_k } }).body['top_k'];
    expect(topK(-1)).toBe(0);
    expect(topK(0)).toBe(0);
    expect(topK(20)).toBe(20);
    expect(
      translateOllamaGenerate({ model: 'm', prompt: 'hi', options: { top_k: -1 } }).body['top_k'],
    ).toBe(0);
    expect(() => topK(-5)).toThrow(
      expect.objectContaining({
        message: 'options.top_k must be at least 1, or 0 or -1 for no top-k cut',
        details: { param: 'options.top_k' },
      }),
    );
  });

  it('take every think level Ollama takes, and refuse others in its words', () => {
    const chat = (think: unknown) =>
      translateOllamaChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], think });
    expect(chat('max').body['reasoning_effort']).toBe('max');
    expect(chat(true).body['reasoning_effort']).toBe('medium');
    expect(() => chat('extreme')).toThrow(
      'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    );
  });

  it('ask for logprobs with logprobs: true and top_logprobs alternatives, 0 to 20', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const chat = translateOllamaChat({ model: 'm', messages, logprobs: true, top_logprobs: 2 });
    expect(chat.body['logprobs']).toBe(2);
    const generate = translateOllamaGenerate({ model: 'm', prompt: 'p', logprobs: true });
    expect(generate.body['logprobs']).toBe(0);
    // Ollama gives none for top_logprobs alone, and none for logprobs: false.
    expect(translateOllamaGenerate({ model: 'm', prompt: 'p', top_logprobs: 3 }).body).toEqual({
      prompt: 'p',
    });
    expect(translateOllamaChat({ model: 'm', messages, logprobs: false }).body).not.toHaveProperty(
      'logprobs',
    );
    for (const top_logprobs of [21, -1]) {
      expect(() =>
        translateOllamaGenerate({ model: 'm', prompt: 'p', logprobs: true, top_logprobs }),
      ).toThrow(
        expect.objectContaining({
          code: 'bad_request',
          message: 'top_logprobs must be between 0 and 20',
          details: { param: 'top_logprobs' },
        }),
      );
    }
  });

  it('translate the format and think of a generate request as chat does', () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } } };
    const json = translateOllamaGenerate({
      model: 'm',
      prompt: 'p',
      format: 'json',
      think: 'high',
    });
    expect(json.body['response_format']).toEqual({ type: 'json_object' });
    expect(json.body['reasoning_effort']).toBe('high');
    expect(json.body['options']).toBeUndefined();
    const on = translateOllamaGenerate({ model: 'm', prompt: 'p', think: true });
    expect(on.body['reasoning_effort']).toBe('medium');
    // Ollama backends get the boolean itself, as for chat.
    expect(on.body['options']).toEqual({ ollama: { think: true } });
    const off = translateOllamaGenerate({ model: 'm', prompt: 'p', think: false });
    expect(off.body['reasoning_effort']).toBe('none');
    const typed = translateOllamaGenerate({ model: 'm', prompt: 'p', format: schema });
    expect(typed.body['response_format']).toEqual({ type: 'json_schema', schema });
    expect(typed.body['options']).toBeUndefined();
  });
});

describe('frames as Ollama lines', () => {
  it('report integer nanosecond statistics, leaving unknown ones out', () => {
    expect(ollamaStatistics(end, 420.5)).toEqual({
      total_duration: 420_500_000,
      load_duration: 100_000_000,
      prompt_eval_count: 5,
      prompt_eval_duration: 50_000_000,
      eval_count: 10,
      eval_duration: 200_000_000,
    });
    expect(ollamaStatistics({ ...end, timings: undefined }, 1)).toEqual({
      total_duration: 1_000_000,
      prompt_eval_count: 5,
      eval_count: 10,
    });
  });

  it('answer an embedding with every statistic Ollama gives, load_duration 0 when unknown', () => {
    const vectors = [[0.5, -0.25]];
    const written = (answer: ListBody) =>
      JSON.parse([...jsonPieces(answer)].join('')) as Record<string, unknown>;
    expect(written(ollamaEmbedAnswer('m', vectors, end, 12.5))).toEqual({
      model: 'm',
      embeddings: vectors,
      total_duration: 12_500_000,
      load_duration: 100_000_000,
      prompt_eval_count: 5,
    });
    // A backend that reports no load (vLLM, LM Studio): still there, as clients require it.
    const unknown = ollamaEmbedAnswer('m', vectors, { ...end, timings: undefined }, 1);
    expect(written(unknown)['load_duration']).toBe(0);
  });

  it('send whole tool calls with object arguments before the final line', () => {
    const lines = new OllamaChatLines('m');
    const frame: DeltaFrame = {
      type: 'delta',
      seq: 1,
      tool_calls: [{ index: 0, id: 'c', name: 'f', arguments: '{"q":"x"}' }],
    };
    expect(lines.delta(frame)).toBeUndefined();
    const closing = lines.closing({ ...end, finish_reason: 'tool_calls' }, 1);
    expect(closing[0]).toMatchObject({
      done: false,
      message: { tool_calls: [{ function: { name: 'f', arguments: { q: 'x' } } }] },
    });
    expect(closing[1]).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it("carry each text line's logprobs, and all of them on a whole answer, as Ollama does", () => {
    const hi: DeltaFrame = {
      type: 'delta',
      seq: 1,
      text: 'Hi',
      logprobs: [
        {
          token: 'Hi',
          logprob: -0.5,
          bytes: [72, 105],
          top_logprobs: [
            { token: 'Hi', logprob: -0.5 },
            { token: 'Hey', logprob: -1.5 },
          ],
        },
      ],
    };
    // Asked with top_logprobs 0: Ollama leaves the empty alternatives out.
    const there: DeltaFrame = {
      type: 'delta',
      seq: 2,
      text: ' there',
      logprobs: [{ token: ' there', logprob: -0.25, top_logprobs: [] }],
    };
    const thinking: DeltaFrame = { type: 'delta', seq: 3, reasoning: 'hmm' };
    // Every token with its UTF-8 bytes, computed where the backend gave none, as Ollama sends them.
    const entries = [
      {
        token: 'Hi',
        logprob: -0.5,
        bytes: [72, 105],
        top_logprobs: [
          { token: 'Hi', logprob: -0.5, bytes: [72, 105] },
          { token: 'Hey', logprob: -1.5, bytes: [72, 101, 121] },
        ],
      },
      { token: ' there', logprob: -0.25, bytes: [32, 116, 104, 101, 114, 101] },
    ];
    const chat = new OllamaChatLines('m');
    expect(chat.delta(hi)).toMatchObject({ message: { content: 'Hi' }, logprobs: [entries[0]] });
    expect(chat.delta(there)?.['logprobs']).toEqual([entries[1]]);
    expect(chat.delta(thinking)).not.toHaveProperty('logprobs');
    expect(chat.closing(end, 1)[0]).not.toHaveProperty('logprobs');
    const generate = new OllamaGenerateLines('m');
    expect(generate.delta(hi)).toMatchObject({ response: 'Hi', logprobs: [entries[0]] });
    expect(generate.delta(thinking)).not.toHaveProperty('logprobs');
    const frames = [thinking, hi, there];
    expect(ollamaChatAnswer('m', frames, end, 1)['logprobs']).toEqual(entries);
    expect(ollamaGenerateAnswer('m', frames, end, 1)).toMatchObject({
      response: 'Hi there',
      logprobs: entries,
    });
    expect(ollamaGenerateAnswer('m', [thinking], end, 1)).not.toHaveProperty('logprobs');
  });
});
