import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

// A managed program that keeps running but stops answering its health check well: a stand-in
// for a wedged server, which the sim does not simulate (its faults touch inference only). It
// answers Ollama's /api/version with 200 while the flag file exists, 503 otherwise.
const WEDGEABLE_SERVER = `
const { existsSync } = require('node:fs');
const [port, flag] = process.argv.slice(1);
require('node:http')
  .createServer((request, response) => {
    response.writeHead(existsSync(flag) ? 200 : 503, { 'content-type': 'application/json' });
    response.end('{"version":"0.0.0"}');
  })
  .listen(Number(port), '127.0.0.1');
`;

describe('a managed backend whose health checks fail while it runs', () => {
  let bed: OrchestratorBed;
  let flag: string;
  let dir: string;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    dir = mkdtempSync(join(tmpdir(), 'switchyard-wedge-'));
    flag = join(dir, 'healthy');
    writeFileSync(flag, '');
    bed = await OrchestratorBed.start({
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
        },
      ],
    });
  }, 60_000);

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
});
