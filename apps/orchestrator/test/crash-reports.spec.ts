import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts, waitFor } from '@switchyard/testing';
import { OrchestratorBed, TEST_ORCHESTRATOR } from './support/orchestrator-bed.js';

// Each run of this program says which process it is, then crashes: what the orchestrator reports
// of each crash must come from that run, and an operator who watches warnings must see it.
describe('what the orchestrator says of a crash', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port, verbosePort] = (await freePorts(2)) as [number, number];
    bed = await OrchestratorBed.start({
      backends: [
        {
          id: 'crashy',
          kind: 'ollama',
          url: `http://127.0.0.1:${port}`,
          mode: 'managed',
          command: {
            program: process.execPath,
            // Written as text: console.log would colour the number where FORCE_COLOR is set.
            args: [
              '-e',
              "process.stdout.write('run of pid ' + process.pid + '\\n', () => process.exit(3))",
            ],
            env: {},
          },
          models: ['llama3.2'],
        },
        {
          id: 'verbose',
          kind: 'ollama',
          url: `http://127.0.0.1:${verbosePort}`,
          mode: 'managed',
          command: {
            program: process.execPath,
            // Two lines as long as a server's one-line configuration dump, then a crash.
            args: [
              '-e',
              "process.stdout.write('a'.repeat(5000) + '\\n' + 'b'.repeat(5000) + '\\n', () => process.exit(4))",
            ],
            env: {},
          },
        },
      ],
    });
    await bed.command('start', 'crashy').catch(() => undefined);
    await bed.command('start', 'verbose').catch(() => undefined);
    await waitFor(
      () =>
        ['crashy', 'verbose'].every((id) =>
          bed.events.some((e) => e.backend === id && e.state === 'failed'),
        ),
      { description: 'the backends to be given up on' },
    );
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  it("quotes the output of the run that crashed, not its forerunners'", () => {
    const of = (state: string) =>
      bed.events.filter((e) => e.backend === 'crashy' && e.state === state);
    const runs = TEST_ORCHESTRATOR.restart.max_restarts + 1;
    // The k-th start (which names the run's pid) ended in the k-th crash.
    const pids = of('starting').map((e) => e.pid);
    expect(pids).toHaveLength(runs);
    expect(of('crashed').map((e) => e.message)).toEqual(
      pids.map((pid) => `exit code 3; last output: run of pid ${pid}`),
    );
  });

  it('quotes long output lines cut short, so a crash message stays readable', () => {
    const crashed = bed.events.filter((e) => e.backend === 'verbose' && e.state === 'crashed');
    expect(crashed.length).toBeGreaterThan(0);
    for (const { message } of crashed) {
      expect(message).toBe(`exit code 4; last output: ${'a'.repeat(240)}… | ${'b'.repeat(240)}…`);
    }
  });

  it('logs crashes and restarts as warnings, and giving up as an error', () => {
    const levels = new Map<string, Set<unknown>>();
    for (const line of bed.orchestrator.logs()) {
      const msg = String(line['msg']);
      if (!/^backend (crashed|restarting|failed)$/.test(msg)) continue;
      levels.set(msg, (levels.get(msg) ?? new Set()).add(line['level']));
    }
    expect(Object.fromEntries([...levels].map(([msg, seen]) => [msg, [...seen]]))).toEqual({
      'backend crashed': [40],
      'backend restarting': [40],
      'backend failed': [50],
    });
  });
});
