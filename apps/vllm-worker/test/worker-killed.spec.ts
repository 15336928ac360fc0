import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import {
  chatRequest,
  plainMessages,
  PROCESS_HOOK_TIMEOUT_MS,
  SCHEDULING_SLACK_MS,
  type ServiceProcess,
  waitFor,
} from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

// The doomed worker is a process of its own; on a loaded machine one of its heartbeats may be held
// up by the slack, which must not pass for its death.
const IDLE_TIMEOUT_MS = 1_000 + SCHEDULING_SLACK_MS;

describe('a vLLM worker process killed mid-stream', () => {
  let bed: VllmTestbed;
  let doomed: ServiceProcess;

  beforeAll(async () => {
    bed = await startVllmTestbed({
      backends: [{ tokensPerSecond: 20, answerTokens: 100 }],
      worker: false,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    });
    doomed = await bed.startWorkerProcess();
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await bed?.close();
  });

  it('fails the caller with stream_interrupted within the idle timeout; a replica serves the next request', async () => {
    let killedAt = 0;
    let servedBy = '';
    const error = await (async () => {
      for await (const frame of bed.client.stream(
        bed.subjects.chat(MODELS.chat),
        chatRequest(MODELS.chat, 'A long answer, please.'),
        { timeoutMs: 30_000 + SCHEDULING_SLACK_MS },
      )) {
        if (frame.type === 'start') servedBy = frame.worker;
        if (frame.type === 'delta' && killedAt === 0) {
          // The survivor joins only now, so the doomed process surely had this request.
          await bed.startWorker();
          doomed.child.kill('SIGKILL');
          killedAt = performance.now();
        }
      }
    })().catch((caught: unknown) => caught);
    const failedAfterMs = performance.now() - killedAt;
    console.log(
      `vLLM: the caller learned of the killed worker after ${failedAfterMs.toFixed(0)} ms`,
    );

    expect(servedBy).toMatch(/^vllm-worker-/);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'stream_interrupted', retryable: true });
    expect(failedAfterMs).toBeLessThan(IDLE_TIMEOUT_MS + SCHEDULING_SLACK_MS);
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Its backend connection died with it, so the backend stopped generating.
    await waitFor(() => bed.backend.stats().aborted === 1, {
      description: 'the backend to see the dead worker’s request aborted',
    });

    // The survivor's answer need not be slow.
    bed.backend.setFaults({ tokenDelayMs: 0 });
    const request = chatRequest(MODELS.chat, 'Are you there?');
    const result = await bed.client.collect(bed.subjects.chat(MODELS.chat), request, {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
    });
    expect(result.start.worker).toBe('vllm-test-1');
    expect(result.text).toBe(
      expectedCompletion({
        model: MODELS.chat,
        messages: plainMessages(request.messages),
        answerTokens: 100,
      }).text,
    );
  });
});
