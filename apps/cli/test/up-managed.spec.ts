import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import OpenAI from 'openai';
import { managedSim } from './support/fleet-bed.js';
import { UpStack } from './support/up-stack.js';

// The orchestrator's README example: a fleet of managed backends only, stopped until a request
// needs one of their `models`. `up` once said "no backend serves a chat model yet" and pointed
// to `switchyard pull`, though a request for the configured model starts its backend.
describe('switchyard up with only a stopped managed backend', () => {
  let stack: UpStack;
  let gatewayUrl: string;

  beforeAll(async () => {
    const [natsPort, gatewayPort, simPort] = (await freePorts(3)) as [number, number, number];
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort },
      discovery: { well_known_ports: false },
      orchestrator: { ready_poll_ms: 100 },
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [managedSim('on-demand', simPort, { models: ['llama3.2'] })],
    };
    stack = await UpStack.start('up-managed', config, ['--sim', 'off']);
  }, 90_000);

  afterAll(() => stack?.close(), 60_000);

  it('suggests a first chat with the configured model, which starts the backend and answers', async () => {
    expect(stack.output()).not.toContain('no backend serves a chat model yet');
    const tryLine = /try: curl (\S+) -d '(.*)'$/m.exec(stack.output());
    expect(tryLine?.slice(1)).toEqual([
      `${gatewayUrl}/v1/chat/completions`,
      JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Say hello.' }] }),
    ]);
    expect(stack.output()).toContain(
      'the first request for llama3.2 through the gateway starts backend on-demand',
    );
    // Over plain NATS nothing starts it: the example would find no responders.
    expect(stack.output()).not.toContain('chat-over-nats.mjs');
    const body = JSON.parse(tryLine?.[2] ?? '{}') as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const openai = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answer = await openai.chat.completions.create(body);
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String));
  }, 60_000);
});
