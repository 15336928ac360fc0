import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MANAGEMENT_COMMANDS, type ManagementCommandName } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { ManagementBed, nextId, rejectionOf } from './management-harness.js';

// Which commands a worker answers, and how it refuses the rest: on the backend's own subjects,
// with the inference frame stream, `unsupported` for what the kind cannot do, NATS's own no
// responders for a backend nobody serves, and `bad_request` before any backend work.
describe('management command routing', () => {
  let bed: ManagementBed;
  const shown: string[] = [];

  beforeAll(async () => {
    bed = await ManagementBed.start({
      management: {
        show: async (_endpoint, request) => {
          shown.push(request.model);
          return { model: request.model, family: 'test' };
        },
      },
    });
  });
  afterAll(() => bed.close());

  it('answers models for every kind: a start naming the backend, one result, a plain end', async () => {
    const frames = await bed.frames('models');
    expect(frames).toEqual([
      {
        type: 'start',
        seq: 0,
        request_id: expect.any(String),
        worker: 'management-test-worker',
        kind: 'vllm',
        backend: 'sim-1',
        cancel: expect.stringMatching(/^switchyard\.v1\.cancel\./),
      },
      {
        type: 'delta',
        seq: 1,
        result: { models: [{ name: 'base-model', type: 'chat', loaded: true }] },
      },
      {
        type: 'end',
        seq: 2,
        finish_reason: 'stop',
        usage: { prompt_tokens: 0, completion_tokens: 0 },
      },
    ]);
  });

  it("sends a supported command's answer as its result", async () => {
    const answer = await bed.command('show', { model: 'base-model' });
    expect(answer.deltas.map((delta) => delta.result)).toEqual([
      { model: 'base-model', family: 'test' },
    ]);
    expect(answer.start.backend).toBe('sim-1');
  });

  it('answers a command the adapter lacks with unsupported, whatever the body holds', async () => {
    for (const body of [{ model: 'qwen3:0.6b' }, { model: '../x' }, {}]) {
      const error = await rejectionOf(bed.command('pull', body));
      expect(error.code).toBe('unsupported');
      expect(error.message).toBe('vllm backends do not support pull');
      expect(error.retryable).toBe(false);
    }
  });

  it('answers a command that does not exist with bad_request listing the commands', async () => {
    const subject = bed.subjects.management('sim-1', 'frobnicate' as ManagementCommandName);
    const error = await rejectionOf(
      bed.client.collect(subject, { id: nextId(), timeout_ms: 5_000 }),
    );
    expect(error.code).toBe('bad_request');
    expect(error.message).toBe(
      `there is no management (backend sim-1) command "frobnicate": the commands are ${MANAGEMENT_COMMANDS.join(', ')}`,
    );
    // The commands that exist still reach their own handlers, every time.
    for (let i = 0; i < 20; i++) {
      const answer = await bed.command('show', { model: 'base-model' });
      expect(answer.deltas).toHaveLength(1);
    }
  });

  it('leaves an unknown backend id to NATS, which answers no responders at once', async () => {
    const startedAt = Date.now();
    const subject = bed.subjects.management('no-such-backend', 'models');
    const error = await rejectionOf(
      bed.client.collect(subject, { id: nextId(), timeout_ms: 5_000 }),
    );
    expect(error.code).toBe('no_responders');
    // Well before the request's own 5 s deadline.
    expect(Date.now() - startedAt).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });

  it('refuses invalid model names with bad_request before the operation runs', async () => {
    const httpBefore = bed.sim.stats().http;
    for (const model of ['../x', 'a;rm -rf', '', '-rf', '$(reboot)']) {
      const error = await rejectionOf(bed.command('show', { model }));
      expect({ model, code: error.code }).toEqual({ model, code: 'bad_request' });
      expect(error.message).toMatch(/^show request is invalid: model: /);
    }
    expect(shown).not.toContain('../x');
    expect(shown.filter((model) => model !== 'base-model')).toEqual([]);
    expect(bed.sim.stats().http).toBe(httpBefore);
  });
});
