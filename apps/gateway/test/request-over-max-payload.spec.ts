import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MAX_PAYLOAD = 64 * 1024;

/** A user message of about `bytes` bytes of text. */
const message = (bytes: number) => [{ role: 'user' as const, content: 'word '.repeat(bytes / 5) }];

// A request travels to its worker as one NATS message, so the server's max_payload (1 MiB by
// default) bounds it below the gateway's own body limit. One over it is the client's to shrink.
describe('a request over the NATS server max_payload', () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      natsConfig: `max_payload: ${MAX_PAYLOAD}`,
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('is refused with 413 payload_too_large naming the limit, and the gateway serves on', async () => {
    const call = openai.chat.completions.create({
      model: 'llama3.2',
      messages: message(100_000),
    });
    await expect(call).rejects.toMatchObject({
      status: 413,
      code: 'payload_too_large',
      message: expect.stringMatching(
        new RegExp(
          `^413 the request is \\d+ bytes, over the NATS server's max_payload of ${MAX_PAYLOAD} bytes`,
        ),
      ),
    });
    await expect(
      ollama.chat({ model: 'llama3.2', messages: message(100_000), stream: false }),
    ).rejects.toMatchObject({ status_code: 413 });

    const answer = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: message(40_000),
    });
    expect(answer.choices[0]?.finish_reason).toBe('stop');
  });
});
