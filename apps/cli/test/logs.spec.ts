import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LogsAnswer } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { FleetBed, managedSim } from './support/fleet-bed.js';

// `switchyard logs` shows what a managed backend wrote, as the orchestrator kept it.
describe('switchyard logs', () => {
  let bed: FleetBed;

  beforeAll(async () => {
    const [port, idlePort] = (await freePorts(2)) as [number, number];
    bed = await FleetBed.start(
      {
        backends: [
          managedSim('sim-managed', port),
          managedSim('never-started', idlePort),
          { id: 'outside', kind: 'ollama', url: 'http://127.0.0.1:9', mode: 'external' },
        ],
      },
      ['orchestrator'],
    );
    expect((await bed.cli(['start', 'sim-managed'])).code).toBe(0);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  });

  it("prints the backend's lines with their time and stream", async () => {
    const run = await bed.cli(['logs', 'sim-managed']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z (stdout|stderr) /);
    expect(lines.some((line) => / stdout \{.*"event":"listening"/.test(line))).toBe(true);
  });

  it('says why there is nothing to show for a backend that wrote nothing it kept', async () => {
    const run = await bed.cli(['logs', 'never-started']);
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'switchyard: no output from never-started: the orchestrator keeps only what the backends it started wrote since it started itself\n',
    });
  });

  // The orchestrator runs no process for an external backend, so it keeps no logs of it and
  // says so with a catalogued error, shown as every command shows the fleet's errors.
  it.each([[['logs', 'outside']], [['logs', 'outside', '--json']]])(
    "switchyard %j prints the orchestrator's error on stderr and exits 1",
    async (args) => {
      const run = await bed.cli(args);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^error unsupported: no logs of backend outside: it is external[^\n]*\n$/,
      );
    },
  );

  it('--lines N prints only the last N, and --json the whole answer', async () => {
    const all = JSON.parse((await bed.cli(['logs', 'sim-managed', '--json'])).stdout) as LogsAnswer;
    expect(all.backend).toBe('sim-managed');
    expect(all.lines.length).toBeGreaterThan(1);
    // The sim writes only when it starts and stops, so the last line stays the last.
    const last = await bed.cli(['logs', 'sim-managed', '--lines', '1']);
    expect(last.code).toBe(0);
    const line = all.lines.at(-1);
    expect(last.stdout).toBe(`${line?.at} ${line?.stream} ${line?.line}\n`);
  });

  it('--lines may ask for as many lines as orchestrator.log_lines can keep', async () => {
    const run = await bed.cli(['logs', 'sim-managed', '--lines', '100000', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as LogsAnswer).lines.length).toBeGreaterThan(1);
  });
});
