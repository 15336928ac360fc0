import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { replyFrameSchema } from '@switchyard/contracts';
import { TcpRelay, waitFor } from '@switchyard/testing';
import { FleetBed } from './support/fleet-bed.js';

const MODEL = 'llama3.2:latest';

/** What the sim answers to one user message. */
const answerTo = (prompt: string): string =>
  expectedCompletion({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).text;

// `switchyard chat` over NATS to an Ollama worker and its sim, which streams slowly enough
// (5 tokens a second, 16 tokens) that output before the end shows streaming.
describe('switchyard chat', () => {
  let bed: FleetBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 5, loadMs: 0 });
    bed = await FleetBed.start({ backends: [{ id: 'box', kind: 'ollama', url: sim.url }] }, [
      'ollama-worker',
    ]);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
    await sim?.close();
  });

  it("writes the answer's text as it streams, the prompt taken from the arguments", async () => {
    const run = bed.startCli(['chat', MODEL, 'Say', 'hello.']);
    let firstChunk: { text: string; exited: boolean } | undefined;
    run.child.stdout?.once('data', (chunk: Buffer) => {
      firstChunk = { text: chunk.toString('utf8'), exited: run.child.exitCode !== null };
    });
    const result = await run.done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${answerTo('Say hello.')}\n`);
    // The first words arrived while the rest was still being generated.
    expect(firstChunk?.exited).toBe(false);
    expect(firstChunk?.text.length).toBeLessThan(result.stdout.length);
  });

  it('reads the prompt from stdin when none is given', async () => {
    const run = await bed.cli(['chat', MODEL], { stdin: 'Why is the sky blue?\n' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`${answerTo('Why is the sky blue?')}\n`);
  });

  it('--json prints every frame as a JSON line', async () => {
    const run = await bed.cli(['chat', MODEL, 'Say hello.', '--json']);
    expect(run.code).toBe(0);
    const frames = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => replyFrameSchema.parse(JSON.parse(line)));
    expect(frames[0]).toMatchObject({ type: 'start', kind: 'ollama', backend: 'box' });
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'stop' });
    const text = frames.map((frame) => (frame.type === 'delta' ? (frame.text ?? '') : '')).join('');
    expect(text).toBe(answerTo('Say hello.'));
  });

  it('Ctrl-C cancels the request at the backend and exits 130', async () => {
    const before = sim.stats().aborted;
    const run = bed.startCli(['chat', MODEL, 'Tell me a long story.']);
    await waitFor(() => run.stdout().length > 0, {
      timeoutMs: 20_000,
      description: 'the first words of the answer',
    });
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(
      /^switchyard: interrupted by SIGINT; the request was cancelled\n$/,
    );
    await waitFor(() => sim.stats().aborted > before, {
      timeoutMs: 10_000,
      description: 'the sim to see the request aborted',
    });
  }, 60_000);

  // `switchyard chat --json | head -1`: the reader takes one line and closes the pipe.
  it('ends quietly with exit 0 when stdout is closed, cancelling the request', async () => {
    const before = sim.stats().aborted;
    const run = bed.startCli(['chat', MODEL, 'Tell me a long story.', '--json']);
    await waitFor(() => run.stdout().includes('\n'), {
      timeoutMs: 20_000,
      description: 'the first line of the answer',
    });
    run.child.stdout?.destroy();
    const result = await run.done;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    await waitFor(() => sim.stats().aborted > before, {
      timeoutMs: 10_000,
      description: 'the sim to see the request aborted',
    });
  }, 60_000);

  it('exits 69 naming the model when no worker serves it', async () => {
    const run = await bed.cli(['chat', 'nope:1b', 'hello']);
    expect(run.code).toBe(69);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^switchyard: no worker serves model "nope:1b" .*switchyard models/);
  });

  it('exits 69 naming NATS when its connection is lost mid-answer for outage_wait_ms', async () => {
    const link = await TcpRelay.start(bed.nats.port);
    try {
      const run = bed.startCli(['chat', MODEL, 'Tell me a long story.'], {
        env: {
          SWITCHYARD_NATS__SERVERS: link.natsUrl,
          SWITCHYARD_NATS__RECONNECT_WAIT_MS: '50',
          SWITCHYARD_NATS__OUTAGE_WAIT_MS: '1000',
        },
      });
      await waitFor(() => run.stdout().length > 0, {
        timeoutMs: 20_000,
        description: 'the first words of the answer',
      });
      link.cut();
      const result = await run.done;
      expect(result.code).toBe(69);
      expect(result.stderr).toMatch(
        /^switchyard: the connection to the NATS server \(127\.0\.0\.1:\d+\) was lost \d+ ms ago and is not back; requests wait for it up to nats\.outage_wait_ms \(1000 ms\)\n$/,
      );
    } finally {
      await link.close();
    }
  }, 60_000);
});
