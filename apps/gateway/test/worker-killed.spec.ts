import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKEND_KINDS } from '@switchyard/contracts';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import OpenAI, { APIError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const FIRST_FRAME_TIMEOUT_MS = 750;
const OUTAGE_WAIT_MS = 1_000;
// The gateway's wait for a dead worker to answer when asked for its stream.
const ANSWER_WAIT_MS = 2_000;
const messages = [{ role: 'user' as const, content: 'Tell me a long story.' }];

// A worker killed mid-answer (SIGKILL, the OOM killer) sends no error frame. The client learns of
// it within seconds, from the gateway asking the silent worker for its stream, not after the
// stream idle timeout (30 s by default, kept here).
describe('a worker killed while it streams an answer', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 20 } }],
      gateway: { first_frame_timeout_ms: FIRST_FRAME_TIMEOUT_MS },
      config: {
        nats: { outage_wait_ms: OUTAGE_WAIT_MS },
        // The fleet's workers heartbeat every 250 ms: what the first-frame timeout is checked against.
        workers: Object.fromEntries(
          BACKEND_KINDS.map((kind) => [kind, { heartbeat_interval_ms: 250 }]),
        ),
      },
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('fails the stream with stream_interrupted within seconds, not the idle timeout', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    let text = '';
    let killedAt = 0;
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (killedAt === 0 && text.length > 0) {
            fleet.workers[0]?.child.kill('SIGKILL');
            killedAt = performance.now();
          }
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
