import { describe, expect, it } from '@jest/globals';
import { SwitchyardError, type CompletionRequest } from '@switchyard/contracts';
import type { GenerationEvent } from './backend-adapter.js';
import { echoingPrompt } from './prompt-echo.js';

const request = (extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  id: 'r1',
  model: 'm',
  prompt: 'Once upon a time',
  ...extra,
});
const end: GenerationEvent = {
  type: 'end',
  finish_reason: 'stop',
  usage: { prompt_tokens: 4, completion_tokens: 1 },
};

async function* events(...list: (GenerationEvent | Error)[]): AsyncGenerator<GenerationEvent> {
  for (const item of list) {
    if (item instanceof Error) throw item;
    yield item;
  }
}

async function collect(iterable: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const seen: GenerationEvent[] = [];
  for await (const event of iterable) seen.push(event);
  return seen;
}

describe('echoingPrompt', () => {
  it("puts the prompt just before the server's first output, after it loads", async () => {
    const answer = { type: 'delta', text: ' there' } as const;
    expect(
      await collect(
        echoingPrompt(request({ echo: true }), 'Ollama', () =>
          events({ type: 'loading' }, answer, end),
        ),
      ),
    ).toEqual([{ type: 'loading' }, { type: 'delta', text: 'Once upon a time' }, answer, end]);
    // An empty answer still echoes.
    expect(
      await collect(echoingPrompt(request({ echo: true }), 'Ollama', () => events(end))),
    ).toEqual([{ type: 'delta', text: 'Once upon a time' }, end]);
  });

  it('echoes nothing before a failure, so the request can still be tried elsewhere', async () => {
    const failure = new SwitchyardError('overloaded', 'busy');
    const seen: GenerationEvent[] = [];
    await expect(
      (async () => {
        for await (const event of echoingPrompt(request({ echo: true }), 'Ollama', () =>
          events(failure),
        )) {
          seen.push(event);
        }
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual([]);
  });

  it('passes a request without echo through untouched', async () => {
    const generation = events(end);
    expect(echoingPrompt(request(), 'Ollama', () => generation)).toBe(generation);
  });

  it('refuses echo with logprobs, naming echo, before the server is asked', () => {
    let asked = false;
    const refusal = (() => {
      try {
        echoingPrompt(request({ echo: true, logprobs: 1 }), 'LM Studio', () => {
          asked = true;
          return events(end);
        });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toMatchObject({
      code: 'unsupported',
      message: 'LM Studio cannot give the log-probabilities of an echoed prompt',
      details: { param: 'echo' },
    });
    expect(asked).toBe(false);
  });
});
