import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MAX_PAYLOAD = 16 * 1024;
/** Words in every answer of the simulator: some 50 KB of text, three times MAX_PAYLOAD. */
const ANSWER_TOKENS = 8_000;

const messages = [{ role: 'user' as const, content: 'Tell me everything.' }];

// A worker sends an answer's text in as few frames as it can: a non-streamed answer is one
// delta, and a streamed one joins what each backend read brought. An answer longer than the NATS
// server's max_payload (1 MiB by default; long answers of many-byte characters reach it) must
// still arrive whole, cut into frames that fit, rather than fail after the backend did the work.
describe('an answer over the NATS server max_payload', () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let ollama: Ollama;
  /** What the simulator answers. */
  let expected: string;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama', sim: { answerTokens: ANSWER_TOKENS } }],
      natsConfig: `max_payload: ${MAX_PAYLOAD}`,
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    ollama = new Ollama({ host: fleet.url });
    expected = expectedCompletion({
      model: 'llama3.2:latest',
      messages,
      answerTokens: ANSWER_TOKENS,
    }).text;
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('is the backend answer, whole, over the OpenAI API, streamed or not', async () => {
    expect(Buffer.byteLength(expected)).toBeGreaterThan(2 * MAX_PAYLOAD);

    const answer = await openai.chat.completions.create({ model: 'llama3.2', messages });
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(answer.choices[0]?.message.content).toBe(expected);
    expect(answer.usage?.completion_tokens).toBe(ANSWER_TOKENS);

    const stream = await openai.chat.completions.create({
      model: 'llama3.2',
      messages,
      stream: true,
    });
    let streamed = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('stop');
    expect(streamed).toBe(expected);
  });

  it('is the backend answer, whole, over the Ollama API', async () => {
    const answer = await ollama.chat({ model: 'llama3.2', messages, stream: false });
    expect(answer.done_reason).toBe('stop');
    expect(answer.message.content).toBe(expected);
    expect(answer.eval_count).toBe(ANSWER_TOKENS);
  });
});
