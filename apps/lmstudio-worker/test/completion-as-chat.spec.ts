import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError, type CompletionRequest } from '@switchyard/contracts';
import { completionRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startLmStudioTestbed, type LmStudioTestbed } from './support/lmstudio-testbed.js';

const PROMPT = 'Describe a user.';
const SYSTEM = 'You describe people in JSON.';
const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
};

// LM Studio applies a chat template (and so a system prompt) and structured output only to
// chats: the worker sends such completions as chats. The simulator seeds a chat's answer from
// its `role: text` lines and a completion's from the prompt alone, so the answer shows which
// route the backend was asked on and what it was given.
describe('completions with a system prompt or structured output through the LM Studio worker', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    bed = await startLmStudioTestbed({ backends: [{}] });
  });

  afterAll(async () => {
    await bed?.close();
  });

  function collect(extra: Partial<CompletionRequest>) {
    return bed.client.collect(
      bed.subjects.complete(MODELS.chat),
      completionRequest(MODELS.chat, PROMPT, extra),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
  }

  it('sends the system prompt and the prompt as a chat, streamed and whole', async () => {
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: PROMPT },
      ],
    });
    for (const stream of [true, false]) {
      const result = await collect({ system: SYSTEM, stream });
      expect({ stream, text: result.text }).toEqual({ stream, text: plan.text });
    }
  });

  it('answers JSON mode (as a schema of any object, which LM Studio takes) and a schema', async () => {
    const json = await collect({ response_format: { type: 'json_object' } });
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [{ role: 'user', content: PROMPT }],
      format: { type: 'object' },
    });
    expect(json.text).toBe(plan.text);
    expect(JSON.parse(json.text)).toEqual(expect.any(Object));

    const typed = await collect({
      system: SYSTEM,
      response_format: { type: 'json_schema', name: 'user', schema },
    });
    expect(JSON.parse(typed.text)).toEqual({ name: expect.any(String), age: expect.any(Number) });
  });

  it('refuses a suffix beside structured output, naming both', async () => {
    const error = await collect({ response_format: { type: 'json_object' }, suffix: '}' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'unsupported',
      retryable: false,
      message:
        'LM Studio applies structured output only to chats, which have no suffix: send structured output or a suffix, not both',
    });
  });
});
