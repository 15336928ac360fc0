import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { SwitchyardError, type ChatMessage } from '@switchyard/contracts';
import { chatRequest, TINY_PNG_BASE64 } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const question = 'What is in this picture?';
const withImage: ChatMessage['content'] = [
  { type: 'text', text: question },
  { type: 'image', data: TINY_PNG_BASE64, media_type: 'image/png' },
];

/** Images reach a vision model; a model without vision refuses them for good. */
export function describeVision(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle } = profile;

  describe(`images through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile);

    it('sends an image to a vision model, which answers', async () => {
      const { client, subjects } = bed();
      // The simulator reads the text of a message; the image only has to be accepted.
      const plan = oracle.completion({
        model: models.vision,
        messages: [{ role: 'user', content: question }],
      });

      const result = await client.collect(
        subjects.chat(models.vision),
        chatRequest(models.vision, withImage),
        { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
      );

      expect(result.text).toBe(plan.text);
    });

    it('fails at once, not retryable, when the model cannot see images', async () => {
      const { client, subjects } = bed();
      const error = await client
        .collect(subjects.chat(models.chat), chatRequest(models.chat, withImage), {
          timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
        })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SwitchyardError);
      expect(error).toMatchObject({ code: 'unsupported', retryable: false });
    });
  });
}
