import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  chatRequestSchema,
  encodeMessage,
  SwitchyardError,
  type ChatRequest,
} from '@switchyard/contracts';
import { waitFor } from '@switchyard/testing';
import { startStreamFixture, usage, type StreamFixture } from './support/stream-fixture.js';

// docs/examples/chat-over-nats.mjs is the protocol page's promise that plain nats.js is enough;
// this runs it, unmodified, against a StreamServer.
const example = fileURLToPath(
  new URL('../../../docs/examples/chat-over-nats.mjs', import.meta.url),
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the protocol example (docs/examples/chat-over-nats.mjs)', () => {
  let fx: StreamFixture;
  let cancelReason: SwitchyardError | undefined;
  let chattyCancelReason: SwitchyardError | undefined;
  /** The reasons of the cancels that reached the raw subjects' requests, by request id. */
  const rawCancels = new Map<string, string | undefined>();

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 100 });
    fx.server.serve(
      fx.subjects.chat('llama3.2:latest'),
      { schema: chatRequestSchema },
      (request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-local' });
        ctx.setPhase('loading');
        ctx.send({ type: 'delta', text: 'Hello' });
        ctx.send({ type: 'delta', text: `, ${String(request.messages[0]?.content)}` });
        return { finish_reason: 'stop', usage };
      },
    );
    fx.server.serve(fx.subjects.chat('endless'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text: 'thinking' });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      cancelReason = ctx.signal.reason as SwitchyardError;
      throw ctx.signal.reason;
    });
    fx.server.serve(fx.subjects.chat('chatty'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      while (!ctx.signal.aborted) {
        ctx.send({ type: 'delta', text: 'more ' });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      chattyCancelReason = ctx.signal.reason as SwitchyardError;
      throw ctx.signal.reason;
    });
    // Raw responders, for what a StreamServer never sends: a stream with a frame missing, and one
    // that goes silent after its start.
    const raw = (model: string, frames: (id: string) => object[]) =>
      fx.serverNc.subscribe(fx.subjects.chat(model), {
        callback: (_error, msg) => {
          const { id } = msg.json<ChatRequest>();
          for (const frame of frames(id)) msg.respond(encodeMessage(frame));
        },
      });
    const start = (id: string) => ({
      type: 'start',
      seq: 0,
      request_id: id,
      worker: 'raw',
      kind: 'vllm',
      backend: 'vllm-1',
      cancel: fx.subjects.cancel(id),
    });
    raw('gappy', (id) => [start(id), { type: 'delta', seq: 2, text: 'late' }]);
    raw('silent', (id) => [start(id)]);
    fx.serverNc.subscribe(fx.subjects.cancelWildcard, {
      callback: (_error, msg) => {
        const { request_id: id, reason } = msg.json<{ request_id: string; reason?: string }>();
        rawCancels.set(id, reason);
      },
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  function run(
    args: string[],
    interruptOn?: string,
    closeOn?: string,
    env: Record<string, string> = {},
  ): Promise<Run> {
    const child = spawn(process.execPath, [example, ...args], {
      env: { ...process.env, NATS_URL: fx.nats.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: Run = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      result.stdout += chunk.toString();
      if (interruptOn !== undefined && result.stdout.includes(interruptOn)) child.kill('SIGINT');
      // As `| head` does: the reader stops reading and closes its end of the pipe.
      if (closeOn !== undefined && result.stdout.includes(closeOn)) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    return once(child, 'exit').then(([code]) => {
      clearTimeout(timer);
      result.code = code as number | null;
      return result;
    });
  }

  it('streams an answer and prints the finish reason and usage', async () => {
    const { code, stdout, stderr } = await run(['llama3.2:latest', 'world']);
    expect(stderr).toBe('');
    expect(stdout).toBe(`Hello, world\n${JSON.stringify({ finish_reason: 'stop', usage })}\n`);
    expect(code).toBe(0);
  });

  it('reports no responders for a model nobody serves', async () => {
    const { code, stderr } = await run(['no-such-model']);
    expect(stderr).toContain('no worker serves no-such-model');
    expect(code).toBe(1);
  });

  it('cancels upstream on Ctrl-C, and exits 130 as an interrupted command does', async () => {
    const { code } = await run(['endless'], 'thinking');
    expect(code).toBe(130);
    await waitFor(() => cancelReason !== undefined, { description: 'the cancel to arrive' });
    expect(cancelReason?.code).toBe('cancelled');
    expect(cancelReason?.message).toBe('the caller cancelled the request: interrupted');
  });

  it('gives up on a stream with a frame missing, saying so, and cancels it upstream', async () => {
    const { code, stderr } = await run(['gappy']);
    expect(stderr).toBe('\nframe 1 is missing: giving up\n');
    expect(code).toBe(1);
    await waitFor(() => [...rawCancels.values()].includes('frame 1 is missing'), {
      description: 'the cancel to arrive',
    });
  });

  it('gives up on a stream that goes silent, saying so, and cancels it upstream', async () => {
    const { code, stderr } = await run(['silent'], undefined, undefined, {
      IDLE_TIMEOUT_MS: '300',
    });
    expect(stderr).toBe('\nno frame for 300 ms: giving up\n');
    expect(code).toBe(1);
    await waitFor(() => [...rawCancels.values()].includes('no frame for 300 ms'), {
      description: 'the cancel to arrive',
    });
  });

  it('stops quietly when the reader of its output goes away as the answer ends', async () => {
    // The last writes fail (EPIPE) once the answer is in and the connection drains: nothing is
    // left to cancel, and a cancel published then would fail on the draining connection.
    for (let round = 0; round < 5; round++) {
      const { stderr } = await run(['llama3.2:latest', 'world'], undefined, 'Hello');
      expect(stderr).toBe('');
    }
  });

  it('cancels upstream and stops quietly when the reader of its output goes away', async () => {
    const { code, stderr } = await run(['chatty'], undefined, 'more');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    await waitFor(() => chattyCancelReason !== undefined, { description: 'the cancel to arrive' });
    expect(chattyCancelReason?.message).toBe(
      'the caller cancelled the request: the reader of the output went away',
    );
  });
});
