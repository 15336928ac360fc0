import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ORCHESTRATOR_COMMANDS,
  orchestratorErrorReplySchema,
  SwitchyardError,
  type OrchestratorCommandName,
} from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { ANSWER_WITHIN_MS, managedSim, OrchestratorBed } from './support/orchestrator-bed.js';

// Commands name configured backends; nothing in a message reaches a command line.
describe('orchestrator commands', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      backends: [
        managedSim('only-one', port),
        { id: 'elsewhere', kind: 'vllm', url: 'http://127.0.0.1:9', mode: 'external' },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  async function failureOf(promise: Promise<unknown>): Promise<SwitchyardError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  }

  it('rejects an unknown backend, listing the configured ones, and spawns nothing', async () => {
    const error = await failureOf(bed.command('start', 'not-configured'));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('configured: only-one, elsewhere');
    await expect(bed.status('not-configured')).rejects.toMatchObject({ code: 'not_found' });
    expect(bed.events).toEqual([]);
  });

  it('answers a command that does not exist with bad_request listing the commands', async () => {
    const subject = bed.subjects.orchestrator('frobnicate' as OrchestratorCommandName);
    const reply = await bed.nc.request(subject, JSON.stringify({ backend: 'only-one' }), {
      timeout: ANSWER_WITHIN_MS,
    });
    // Read as the plain request/reply commands answer errors (`{"error"}`): it is an error frame.
    const { error } = orchestratorErrorReplySchema.parse(JSON.parse(reply.string()));
    expect(error).toMatchObject({ code: 'bad_request', retryable: false });
    expect(error.message).toBe(
      `there is no orchestrator command "frobnicate": the commands are ${ORCHESTRATOR_COMMANDS.join(', ')}`,
    );
    // The commands that exist still reach their own handlers, every time.
    for (let i = 0; i < 20; i++) {
      await expect(bed.status('only-one')).resolves.toBeDefined();
    }
    expect(bed.events).toEqual([]);
  });

  it('answers status with an empty body, as the nats CLI sends one, for every backend', async () => {
    const ask = async (command: 'status' | 'logs') => {
      const subject = bed.subjects.orchestrator(command);
      const reply = await bed.nc.request(subject, new Uint8Array(0), { timeout: ANSWER_WITHIN_MS });
      return JSON.parse(reply.string()) as Record<string, unknown>;
    };
    const status = await ask('status');
    expect(status).toEqual({ backends: await bed.status() });
    expect(status['backends']).toHaveLength(2);
    // logs names its backend: an empty body is a message without one, not broken JSON.
    const { error } = orchestratorErrorReplySchema.parse(await ask('logs'));
    expect(error).toMatchObject({ code: 'bad_request' });
    expect(error.message).toBe('logs command is invalid: backend is required');
  });

  it.each(['../../etc/passwd', 'bad;rm -rf /', '$(touch x)', 'a b', '-rf', 'x'.repeat(300)])(
    'rejects the model name %j before anything runs',
    async (model) => {
      const request = { id: 'unsafe-name', model, backend: 'only-one', timeout_ms: 10_000 };
      const result = bed.collect('pull', request);
      const error = await failureOf(result);
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(/model/);
      expect(bed.events).toEqual([]);
    },
  );

  it('rejects backend ids that are not ids', async () => {
    const error = await failureOf(bed.command('start', '../only-one'));
    expect(error.code).toBe('bad_request');
  });

  it('never runs a program a message names', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'switchyard-safety-')), 'ran');
    const request = {
      id: 'smuggled',
      timeout_ms: ANSWER_WITHIN_MS,
      backend: 'only-one',
      command: { program: 'touch', args: [marker] },
      program: 'touch',
      args: [marker],
    };
    const result = await bed.collect('start', request);
    expect(result.end.finish_reason).toBe('stop');
    expect(existsSync(marker)).toBe(false);
    const lines = await bed.logs('only-one');
    expect(lines.some((line) => line.line.includes('"event":"listening"'))).toBe(true);
    await bed.command('stop', 'only-one');
  });

  it('refuses process commands for a backend it does not run', async () => {
    const error = await failureOf(bed.command('stop', 'elsewhere'));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/external/);
    expect((await bed.status('elsewhere'))[0]).toMatchObject({ mode: 'external', state: 'ready' });
  });

  it('answers logs of a backend it does not run with an error, not an empty answer', async () => {
    const error = await failureOf(bed.logs('elsewhere'));
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('backend elsewhere: it is external');
    expect(error.message).toMatch(/only managed backends have logs/);
  });
});
