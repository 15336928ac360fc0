import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BackendConfig, LogsAnswer } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { FleetBed, simCommand } from './support/fleet-bed.js';

/** The test server's max_payload: a few of the long lines below already exceed it. */
const MAX_PAYLOAD = 8 * 1024;
/** Lines of 1,000 digits the backend prints before the sim starts. */
const LONG_LINES = 40;

/** A managed sim behind a shell that first prints far more than MAX_PAYLOAD of long lines. */
function chattySim(port: number): BackendConfig {
  const sim = simCommand('ollama', port) as NonNullable<BackendConfig['command']>;
  const script =
    `i=0; while [ $i -lt ${LONG_LINES} ]; do printf 'long %01000d\\n' $i; i=$((i+1)); done; ` +
    'exec "$@"';
  return {
    id: 'chatty',
    kind: 'ollama',
    url: `http://127.0.0.1:${port}`,
    mode: 'managed',
    command: { program: '/bin/sh', args: ['-c', script, 'sh', sim.program, ...sim.args], env: {} },
  } as BackendConfig;
}

// The orchestrator fits a logs answer into one NATS message by leaving out the oldest lines; the
// operator must be told, or the log looks as if it began later than it did.
describe('switchyard logs, with more lines than one NATS message holds', () => {
  let bed: FleetBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await FleetBed.start(
      { backends: [chattySim(port)] },
      ['orchestrator'],
      `max_payload: ${MAX_PAYLOAD}\n`,
    );
    expect((await bed.cli(['start', 'chatty'])).code).toBe(0);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  });

  it('prints the newest lines and says on stderr how many older ones were left out', async () => {
    const json = await bed.cli(['logs', 'chatty', '--json']);
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout) as LogsAnswer;
    expect(answer.omitted_lines).toBeGreaterThan(0);
    const printed = await bed.cli(['logs', 'chatty']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trimEnd().split('\n').length).toBe(answer.lines.length);
    expect(printed.stderr).toBe(
      `switchyard: ${answer.omitted_lines} older lines left out to fit the NATS server's ` +
        'max_payload (raise it in the NATS server configuration to see them)\n',
    );
  });
});
