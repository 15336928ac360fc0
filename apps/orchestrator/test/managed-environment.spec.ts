import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

// Prints the names of the variables it sees and of its working directory, then answers Ollama's
// health check, so the orchestrator reports it ready.
const ENV_REPORTER = `
console.log(JSON.stringify({ names: Object.keys(process.env), extra: process.env.EXTRA, cwd: process.cwd() }));
require('node:http')
  .createServer((request, response) => response.end('{"version":"0.0.0"}'))
  .listen(Number(process.argv[1]), '127.0.0.1');
`;

describe('the environment of a managed program', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      backends: [
        {
          id: 'reporter',
          kind: 'ollama',
          url: `http://127.0.0.1:${port}`,
          mode: 'managed',
          command: {
            program: process.execPath,
            args: ['-e', ENV_REPORTER, String(port)],
            env: { EXTRA: 'from the configuration' },
            cwd: '/',
          },
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it("is the configured env and cwd over the orchestrator's own, without Switchyard's settings", async () => {
    await bed.command('start', 'reporter');
    const line = (await bed.logs('reporter')).find((l) => l.line.startsWith('{"names"'));
    const seen = JSON.parse(line?.line ?? '{}') as { names: string[]; extra: string; cwd: string };
    expect(seen.extra).toBe('from the configuration');
    expect(seen.cwd).toBe('/');
    expect(seen.names).toContain('PATH');
    // The orchestrator itself runs with SWITCHYARD_CONFIG (and could hold NATS credentials).
    expect(seen.names.filter((name) => name.startsWith('SWITCHYARD_'))).toEqual([]);
  });
});
