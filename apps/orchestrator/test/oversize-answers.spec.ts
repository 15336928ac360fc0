import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  logsAnswerSchema,
  orchestratorErrorReplySchema,
  statusAnswerSchema,
  type BackendConfig,
} from '@switchyard/contracts';
import { freePorts, startNatsServer } from '@switchyard/testing';
import { managedSim, OrchestratorBed, simCommand } from './support/orchestrator-bed.js';

/** The test server's max_payload: a few long log lines already exceed it. */
const MAX_PAYLOAD = 8 * 1024;
/** Lines of 1,000 digits the chatty backend prints before it starts the sim. */
const LONG_LINES = 40;
/** External backends enough that the status of all of them is over MAX_PAYLOAD. */
const EXTERNALS = 60;

/**
 * A managed Ollama sim behind a shell that first prints `LONG_LINES` lines of 1,000 characters:
 * together far more than MAX_PAYLOAD, each one well under it.
 */
function chattySim(id: string, port: number): BackendConfig {
  const sim = simCommand('ollama', port) as NonNullable<BackendConfig['command']>;
  const script =
    `i=0; while [ $i -lt ${LONG_LINES} ]; do printf 'long %01000d\\n' $i; i=$((i+1)); done; ` +
    'exec "$@"';
  return managedSim(id, port, {
    command: { program: '/bin/sh', args: ['-c', script, 'sh', sim.program, ...sim.args], env: {} },
  });
}

// An answer bigger than the NATS server's max_payload used to throw inside the subscription
// callback: the client stopped reading, every later command went unanswered and shutdown hung.
describe('answers bigger than max_payload', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    const nats = await startNatsServer({ config: `max_payload: ${MAX_PAYLOAD}\n` });
    const externals = Array.from({ length: EXTERNALS }, (_, i) => ({
      id: `external-${i}`,
      kind: 'vllm' as const,
      url: `http://127.0.0.1:${20_000 + i}`,
      mode: 'external' as const,
    }));
    bed = await OrchestratorBed.start(
      { backends: [chattySim('chatty', port), ...externals] },
      nats,
    );
    await bed.command('start', 'chatty');
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  async function rawRequest(command: 'status' | 'logs', body: unknown): Promise<Uint8Array> {
    const reply = await bed.nc.request(bed.subjects.orchestrator(command), JSON.stringify(body), {
      timeout: 5_000,
    });
    return reply.data;
  }

  it('answers logs with the newest lines that fit, saying how many older ones were left out', async () => {
    const data = await rawRequest('logs', { backend: 'chatty' });
    expect(data.length).toBeLessThanOrEqual(MAX_PAYLOAD);
    const raw = JSON.parse(new TextDecoder().decode(data)) as { omitted_lines?: unknown };
    const answer = logsAnswerSchema.parse(raw);
    // The sim's own lines come last; the oldest long lines are the ones left out.
    expect(answer.lines.at(-1)?.line).toContain('"event":"listening"');
    expect(answer.lines.length).toBeGreaterThan(1);
    expect(answer.lines.length).toBeLessThan(LONG_LINES);
    const kept = answer.lines.filter((line) => line.line.startsWith('long '));
    expect(kept.at(-1)?.line).toBe(`long ${String(LONG_LINES - 1).padStart(1_000, '0')}`);
    // Every line the backend wrote is either in the answer or counted as left out.
    const written = LONG_LINES + answer.lines.length - kept.length;
    expect(raw.omitted_lines).toBe(written - answer.lines.length);
  });

  it('answers a request for fewer lines whole, without omitted_lines', async () => {
    const data = await rawRequest('logs', { backend: 'chatty', lines: 3 });
    const raw = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    expect(logsAnswerSchema.parse(raw).lines).toHaveLength(3);
    expect(raw).not.toHaveProperty('omitted_lines');
  });

  it('answers a status too big for max_payload with payload_too_large, and one backend whole', async () => {
    const data = await rawRequest('status', {});
    const failure = orchestratorErrorReplySchema.parse(JSON.parse(new TextDecoder().decode(data)));
    expect(failure.error.code).toBe('payload_too_large');
    expect(failure.error.message).toContain(`max_payload (${MAX_PAYLOAD} bytes)`);
    const one = await rawRequest('status', { backend: 'chatty' });
    const answer = statusAnswerSchema.parse(JSON.parse(new TextDecoder().decode(one)));
    expect(answer.backends[0]).toMatchObject({ backend: 'chatty', state: 'ready' });
  });

  it('keeps answering commands after oversize answers, and shuts down cleanly', async () => {
    await rawRequest('logs', { backend: 'chatty' });
    await rawRequest('status', {});
    expect((await bed.status('chatty'))[0]).toMatchObject({ state: 'ready' });
    expect(await bed.command('stop', 'chatty')).toMatchObject({ state: 'stopped' });
    const exit = await bed.orchestrator.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
  }, 30_000);
});
