import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { chatRequest, plainMessages } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' }, admin: { type: 'boolean' } },
  required: ['name', 'age', 'admin'],
};

/** JSON mode and JSON schemas reach the backend's structured output. */
export function describeJsonMode(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;

  describe(`structured output through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile);

    it('answers JSON mode with a JSON object', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Describe a user.', {
        response_format: { type: 'json_object' },
      });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        format: quirks.jsonModeFormat,
      });

      const result = await client.collect(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      expect(result.text).toBe(plan.text);
      expect(JSON.parse(result.text)).toEqual(expect.any(Object));
    });

    it('answers a JSON schema with a value of that schema', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Describe a user.', {
        response_format: { type: 'json_schema', name: 'user', schema },
      });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        format: schema,
      });

      const result = await client.collect(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      expect(result.text).toBe(plan.text);
      expect(JSON.parse(result.text)).toEqual({
        name: expect.any(String),
        age: expect.any(Number),
        admin: expect.any(Boolean),
      });
    });
  });
}
