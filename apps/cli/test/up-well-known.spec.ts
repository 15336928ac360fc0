import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { freePorts, waitFor } from '@switchyard/testing';
import { isListening } from '../src/stack/tcp-probe.js';
import { UpStack } from './support/up-stack.js';

// An Ollama on a port of its own (a second install, a container mapped elsewhere) is found by
// naming its port in `discovery.well_known`, as discovery finds it, rather than only on 11434.
describe('switchyard up with the well-known ports configured', () => {
  let ollama: RunningSimulator;
  let lmstudio: RunningSimulator | undefined;
  let stack: UpStack;
  let ports: { ollama: number; lmstudio: number; vllm: number };
  let gatewayUrl: string;

  beforeAll(async () => {
    const [natsPort, gatewayPort, ollamaPort, lmstudioPort, vllmPort] = (await freePorts(5)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    ports = { ollama: ollamaPort, lmstudio: lmstudioPort, vllm: vllmPort };
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    // The "real" Ollama, already running where the configuration says. It holds no llama3.2, the simulators' model, and an embedding model first by name.
    ollama = await startSimulator({
      kind: 'ollama',
      port: ollamaPort,
      loadMs: 0,
      models: ['all-minilm:latest', 'qwen3:0.6b'],
    });
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort },
      // Quick to notice a server that comes up after the stack did.
      discovery: { well_known: ports, interval_ms: 250, max_backoff_ms: 1_000 },
    };
    stack = await UpStack.start('up-well-known', config);
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
    await lmstudio?.close();
    await ollama?.close();
  }, 60_000);

  it('finds the server on the configured port, and so starts no simulator', async () => {
    expect(stack.output()).toContain('switchyard: ready');
    expect(stack.output()).toContain(
      `backend ollama-local (ollama) at http://127.0.0.1:${ports.ollama}`,
    );
    expect(stack.output()).not.toContain('SIMULATED');
    expect(await isListening('127.0.0.1', ports.lmstudio)).toBe(false);
    expect(await isListening('127.0.0.1', ports.vllm)).toBe(false);
  });

  it('suggests a first chat with a model the server holds, and that chat answers', async () => {
    const tryLine = /try: curl (\S+) -d '(.*)'$/m.exec(stack.output());
    expect(tryLine?.slice(1)).toEqual([
      `${gatewayUrl}/v1/chat/completions`,
      JSON.stringify({ model: 'qwen3:0.6b', messages: [{ role: 'user', content: 'Say hello.' }] }),
    ]);
    const response = await fetch(tryLine?.[1] ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tryLine?.[2] ?? '',
    });
    expect(response.status).toBe(200);
    expect(stack.output()).toContain('chat-over-nats.mjs qwen3:0.6b "Say hello."');
  });

  // Discovery probes every kind's well-known port, so every kind has a worker to serve what it
  // finds there, though only Ollama answered when the stack started.
  it('serves an LM Studio that starts on its well-known port after the stack', async () => {
    lmstudio = await startSimulator({ kind: 'lmstudio', port: ports.lmstudio, loadMs: 0 });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    await waitFor(
      async () => {
        const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'qwen2.5-7b-instruct', messages }),
        });
        await response.body?.cancel();
        return response.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: "the found LM Studio's model to answer" },
    );
  }, 45_000);
});
