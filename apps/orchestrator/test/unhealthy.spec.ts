import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureResultSchema } from '@switchyard/contracts';
import { freePorts, SCHEDULING_SLACK_MS, type ServiceProcess } from '@switchyard/testing';
import { OrchestratorBed, resultOf } from './support/orchestrator-bed.js';

// A managed program that keeps running but stops answering its health check well: a stand-in
// for a wedged server, which the sim does not simulate (its faults touch inference only). It
// answers Ollama's /api/version with 200 while the flag file exists, 503 otherwise, and lists one
// model (/api/tags) all along, so that a worker serves it.
const WEDGEABLE_SERVER = `
const { existsSync } = require('node:fs');
const [port, flag] = process.argv.slice(1);
const listed = { models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] };
require('node:http')
  .createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/api/tags' || path === '/api/ps') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(path === '/api/tags' ? listed : { models: [] }));
      return;
    }
    response.writeHead(existsSync(flag) ? 200 : 503, { 'content-type': 'application/json' });
    response.end('{"version":"0.0.0"}');
  })
  .listen(Number(port), '127.0.0.1');
`;

// Well under the worker wait (a minute) and the wait for a worker to list the backend's models.
const MODELS_QUESTION_MS = 2_000 + SCHEDULING_SLACK_MS;

describe('a managed backend whose health checks fail while it runs', () => {
  let bed: OrchestratorBed;
  let flag: string;
  let dir: string;
  let worker: ServiceProcess;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    dir = mkdtempSync(join(tmpdir(), 'switchyard-wedge-'));
    flag = join(dir, 'healthy');
    writeFileSync(flag, '');
    bed = await OrchestratorBed.start({
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [
        {
          id: 'wedgeable',
          kind: 'ollama',
          url: `http://127.0.0.1:${port}`,
          mode: 'managed',
          command: {
            program: process.execPath,
            args: ['-e', WEDGEABLE_SERVER, String(port), flag],
          },
          models: ['llama3.2'],
        },
      ],
    });
    worker = await bed.startOllamaWorker();
  }, 60_000);

  const ensure = async () => ensureResultSchema.parse(resultOf(await bed.ensure('llama3.2')));

  afterAll(async () => {
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is unhealthy after repeated failed checks, and ready again once they pass', async () => {
    await bed.command('start', 'wedgeable');
    const after = bed.events.length;
    rmSync(flag);
    const unhealthy = await bed.waitForEvent('wedgeable', 'unhealthy', { after });
    expect(unhealthy.message).toMatch(/HTTP 503/);
    expect(unhealthy.previous_state).toBe('ready');
    // Unhealthy is not a crash: the process keeps running and nothing restarts it.
    const { pid, state, restarts } = (await bed.status('wedgeable'))[0] ?? {};
    expect({ state, restarts }).toEqual({ state: 'unhealthy', restarts: 0 });
    expect(pid).toBeDefined();
    writeFileSync(flag, '');
    await bed.waitForEvent('wedgeable', 'ready', { after });
    expect(bed.events.slice(after).map((e) => e.state)).toEqual(['unhealthy', 'ready']);
    expect((await bed.status('wedgeable'))[0]?.pid).toBe(pid);
  });

  it('is not started again by an ensure for a model it serves', async () => {
    await bed.command('start', 'wedgeable');
    // Ready and served: nothing to start.
    expect(await ensure()).toEqual({ backend: 'wedgeable', model: 'llama3.2', started: false });
    const after = bed.events.length;
    rmSync(flag);
    await bed.waitForEvent('wedgeable', 'unhealthy', { after });

    // A gateway that finds nothing answering asks again; being told `started`, it would try
    // the backend once more in vain.
    expect(await ensure()).toEqual({ backend: 'wedgeable', model: 'llama3.2', started: false });
    expect(bed.events.slice(after).map((e) => e.state)).toEqual(['unhealthy']);
    writeFileSync(flag, '');
    await bed.waitForEvent('wedgeable', 'ready', { after });
  });

  it('fails an ensure at once when no worker serves it, naming its state', async () => {
    await bed.command('start', 'wedgeable');
    const after = bed.events.length;
    rmSync(flag);
    await bed.waitForEvent('wedgeable', 'unhealthy', { after });
    // Its worker gone too: waiting for one to serve the model (a minute) would be in vain.
    await worker.stop('SIGTERM');
    const asked = performance.now();
    const error = await bed.ensure('llama3.2').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({
      code: 'backend_unavailable',
      retryable: true,
      message: expect.stringMatching(
        /^backend wedgeable runs but fails its health checks \(.*HTTP 503/,
      ),
    });
    expect(performance.now() - asked).toBeLessThan(MODELS_QUESTION_MS);
    expect(bed.events.slice(after).map((e) => e.state)).toEqual(['unhealthy']);
  });
});
