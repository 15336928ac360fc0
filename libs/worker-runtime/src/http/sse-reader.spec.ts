import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { splitLines } from './line-splitter.js';
import {
  readSseEvents,
  readSseJson,
  SseEventParser,
  SseJsonDecoder,
  type SseEvent,
} from './sse-reader.js';

// Section 4.3 of the backend reference: OpenAI's canonical stream with include_usage.
const OPENAI_STREAM = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1740000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1740000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1740000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1740000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

data: [DONE]

`;

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

function events(text: string): Promise<SseEvent[]> {
  return collect(readSseEvents(splitLines(chunks(text))));
}

describe('readSseEvents', () => {
  it('follows the SDK: comments ignored, one space stripped, data lines joined, fields split at the first colon', async () => {
    expect(
      await events(
        ': keep-alive\n\nevent: message\ndata: a\ndata:b\ndata:  c\nid: 7\nretry: 10\n\ndata\n\ndata: x:y\n\n',
      ),
    ).toEqual([
      { event: 'message', data: 'a\nb\n c' },
      { event: undefined, data: '' },
      { event: undefined, data: 'x:y' },
    ]);
  });

  it('accepts \\r\\n and \\r line ends, and drops an event never closed by a blank line', async () => {
    expect(await events('data: 1\r\n\r\ndata: 2\r\rdata: 3\n')).toEqual([
      { event: undefined, data: '1' },
      { event: undefined, data: '2' },
    ]);
  });
});

describe('SseEventParser', () => {
  it('returns an event when the blank line that ends it comes, and nothing before', () => {
    const parser = new SseEventParser();
    expect(parser.line('event: error')).toBeUndefined();
    expect(parser.line('data: {"a":1}')).toBeUndefined();
    expect(parser.line('')).toEqual({ event: 'error', data: '{"a":1}' });
    expect(parser.line('')).toBeUndefined();
  });
});

describe('readSseJson', () => {
  it("reads OpenAI's canonical stream and stops at [DONE]", async () => {
    const chunks_ = await collect(readSseJson(chunks(OPENAI_STREAM)));
    expect(chunks_).toHaveLength(4);
    expect(chunks_[1]).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    expect(chunks_[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 9 } });
  });

  it('never reads past [DONE]', async () => {
    let pulledAfterDone = false;
    async function* source(): AsyncGenerator<string> {
      yield 'data: {"n":1}\n\ndata: [DONE]\n\n';
      pulledAfterDone = true;
      yield 'data: {"n":2}\n\n';
    }
    expect(await collect(readSseJson(source()))).toEqual([{ n: 1 }]);
    expect(pulledAfterDone).toBe(false);
  });

  it('throws a top-level error object through the translator, with status 200', async () => {
    const seen: unknown[] = [];
    const stream = readSseJson(
      chunks(
        'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n',
        'data: {"error":{"message":"boom","type":"BadRequestError","param":null,"code":400}}\n\ndata: [DONE]\n\n',
      ),
      {
        translateError: (response) => {
          seen.push(response);
          return new SwitchyardError('bad_request', 'translated');
        },
      },
    );
    const received: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk);
      })(),
    ).rejects.toMatchObject({ code: 'bad_request', message: 'translated' });
    expect(received).toHaveLength(1);
    expect(seen).toEqual([
      {
        status: 200,
        body: { error: { message: 'boom', type: 'BadRequestError', param: null, code: 400 } },
        text: '{"error":{"message":"boom","type":"BadRequestError","param":null,"code":400}}',
      },
    ]);
  });

  it('treats an event named error as an error, and malformed JSON as a backend_error', async () => {
    await expect(
      collect(readSseJson(chunks('event: error\ndata: {"message":"bad"}\n\n'))),
    ).rejects.toMatchObject({
      code: 'backend_error',
      message: 'bad',
    });
    await expect(collect(readSseJson(chunks('data: {nope\n\n')))).rejects.toMatchObject({
      code: 'backend_error',
      message: 'the backend sent a malformed server-sent event',
    });
  });
});

describe('SseJsonDecoder', () => {
  it('gives the events before a failing one in the same chunk, then throws the failure', () => {
    const decoder = new SseJsonDecoder();
    const seen: unknown[] = [];
    expect(() => {
      for (const json of decoder.push('data: {"n":1}\n\ndata: {nope\n\ndata: {"n":2}\n\n')) {
        seen.push(json);
      }
    }).toThrow('the backend sent a malformed server-sent event');
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('throws at once a failing event that comes first in its chunk', () => {
    const decoder = new SseJsonDecoder();
    expect(() => [...decoder.push('data: {nope\n\n')]).toThrow(
      'the backend sent a malformed server-sent event',
    );
  });

  it('decodes nothing after [DONE]', () => {
    const decoder = new SseJsonDecoder();
    expect([...decoder.push('data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n')]).toEqual([
      { n: 1 },
    ]);
    expect(decoder.done).toBe(true);
    expect([...decoder.push('data: {"n":3}\n\n')]).toEqual([]);
  });
});
