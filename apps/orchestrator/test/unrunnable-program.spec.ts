import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SwitchyardError, type BackendConfig } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

// A program that is not there, or may not be run, fails the same way on every retry: the start
// fails at once saying why, where restarting it with backoff only kept the caller waiting.
describe('a managed backend whose program cannot be run', () => {
  let bed: OrchestratorBed;
  const notExecutable = join(mkdtempSync(join(tmpdir(), 'switchyard-unrunnable-')), 'server');

  beforeAll(async () => {
    writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n');
    chmodSync(notExecutable, 0o644);
    const ports = await freePorts(3);
    const backend = (id: string, port: number, program: string, cwd?: string): BackendConfig => ({
      id,
      kind: 'ollama',
      url: `http://127.0.0.1:${port}`,
      mode: 'managed',
      command: { program, args: ['serve'], env: {}, cwd },
      models: [],
      queue_size: 64,
      queue_timeout_ms: 30_000,
    });
    bed = await OrchestratorBed.start({
      backends: [
        backend('missing', ports[0] as number, 'switchyard-no-such-program'),
        backend('forbidden', ports[1] as number, notExecutable),
        backend('nowhere', ports[2] as number, process.execPath, '/nonexistent/switchyard-cwd'),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  it.each([
    ['missing', 'program "switchyard-no-such-program" not found on PATH'],
    ['forbidden', `program "${notExecutable}" cannot be executed (permission denied)`],
    ['nowhere', 'working directory "/nonexistent/switchyard-cwd" not found'],
  ])('fails %s at once with start_failed naming the program, without restarts', async (id, why) => {
    const error = await bed.command('start', id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'start_failed',
      message: `cannot start backend ${id}: ${why}`,
    });
    const states = bed.events.filter((e) => e.backend === id).map((e) => e.state);
    expect(states).toEqual(['failed']);
    expect((await bed.status(id))[0]).toMatchObject({ state: 'failed', restarts: 0 });
  });
});
