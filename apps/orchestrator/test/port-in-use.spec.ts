import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureResultSchema, SwitchyardError } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { managedSim, OrchestratorBed, resultOf } from './support/orchestrator-bed.js';

describe('a managed backend whose port is taken', () => {
  let bed: OrchestratorBed;
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    bed = await OrchestratorBed.start({
      backends: [managedSim('squatted', port, { models: ['llama3.2'] })],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
    if (squatter.listening) await new Promise((resolve) => squatter.close(resolve));
  });

  it('refuses to start, naming the port and the process that holds it', async () => {
    const error = await bed.command('start', 'squatted').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'port_in_use' });
    expect((error as Error).message).toContain(`port ${port} is already in use`);
    // This test process listens there; /proc names it.
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect(bed.events.some((e) => e.state === 'starting')).toBe(false);
    expect((await bed.status('squatted'))[0]).toMatchObject({ state: 'failed' });
  });

  it('is started by a request once the port is free: a taken port is no crash loop', async () => {
    expect(await bed.ensure('llama3.2').catch((e: unknown) => e)).toMatchObject({
      code: 'port_in_use',
    });
    await new Promise((resolve) => squatter.close(resolve));
    await bed.startOllamaWorker();
    expect(ensureResultSchema.parse(resultOf(await bed.ensure('llama3.2')))).toEqual({
      backend: 'squatted',
      model: 'llama3.2',
      started: true,
    });
    expect((await bed.status('squatted'))[0]).toMatchObject({ state: 'ready' });
  });
});
