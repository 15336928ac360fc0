import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { BACKEND_KINDS } from '@switchyard/contracts';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import OpenAI, { APIError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const FIRST_FRAME_TIMEOUT_MS = 750;
const OUTAGE_WAIT_MS = 1_000;
// The gateway's wait for a silent worker to answer when asked for its stream.
const ANSWER_WAIT_MS = 2_000;
// 3 s of generation: long enough to kill a worker mid-answer.
const TOKENS_PER_SECOND = 20;
const ANSWER_TOKENS = 60;
const messages = [{ role: 'user' as const, content: 'Tell me a long story.' }];

// A worker killed mid-answer (SIGKILL, the OOM killer) sends no error frame. The gateway learns
// of it within seconds, by asking the silent worker for its stream, not after the stream idle
// timeout (30 s by default, kept here): an answer that had sent nothing is tried again on another
// replica, one that had is failed in-band.
describe('a worker killed while it answers', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    const sim = { tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS };
    fleet = await startFleet({
      // Two replicas' worth: one Ollama and its worker each, serving the same model.
      backends: [
        { kind: 'ollama', sim },
        { kind: 'ollama', sim },
      ],
      gateway: { first_frame_timeout_ms: FIRST_FRAME_TIMEOUT_MS },
      config: {
        nats: { outage_wait_ms: OUTAGE_WAIT_MS },
        // The fleet's workers heartbeat every 250 ms: what the first-frame timeout is checked against.
        workers: Object.fromEntries(
          BACKEND_KINDS.map((kind) => [kind, { heartbeat_interval_ms: 250 }]),
        ),
      },
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  /** Kills the worker whose backend has the request, once it has it; when it did. */
  async function killTheWorkerAnswering(): Promise<number> {
    await waitFor(() => fleet.sims.some((sim) => sim.stats().received > 0), {
      description: 'a backend to get the request',
    });
    const taken = fleet.sims.findIndex((sim) => sim.stats().received > 0);
    for (const sim of fleet.sims) sim.resetStats();
    fleet.workers[taken]?.child.kill('SIGKILL');
    return performance.now();
  }

  it('answers a whole (non-streamed) request from another replica, in seconds', async () => {
    const answer = client.chat.completions.create({ model: MODEL, messages });
    const killedAt = await killTheWorkerAnswering();
    const completion = await answer;
    const answeredAfterMs = performance.now() - killedAt;

    expect(completion.choices[0]?.message.content).toBe(
      expectedCompletion({ model: MODEL, messages, answerTokens: ANSWER_TOKENS }).text,
    );
    const generationMs = (ANSWER_TOKENS / TOKENS_PER_SECOND) * 1_000;
    expect(answeredAfterMs).toBeLessThan(
      OUTAGE_WAIT_MS + ANSWER_WAIT_MS + generationMs + SCHEDULING_SLACK_MS,
    );
  }, 60_000);

  it('fails a stream that had sent text with stream_interrupted, in seconds', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    let text = '';
    let killedAt = 0;
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (killedAt === 0 && text.length > 0) killedAt = await killTheWorkerAnswering();
        }
        return undefined;
      } catch (thrown) {
        return thrown;
      }
    })();
    const failedAfterMs = performance.now() - killedAt;

    expect(killedAt).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: 'stream_interrupted' });
    expect((error as APIError).message).toMatch(
      /asking the worker for them: the worker that took it did not answer/,
    );
    expect(failedAfterMs).toBeLessThan(OUTAGE_WAIT_MS + ANSWER_WAIT_MS + SCHEDULING_SLACK_MS);
  }, 60_000);
});
