import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { freePorts, startServiceProcess, waitFor, type ServiceProcess } from '@switchyard/testing';
import OpenAI from 'openai';
import { managedSim } from './support/fleet-bed.js';
import { CLI_ENTRY } from './support/run-cli.js';

// The orchestrator's README example: a fleet of managed backends only, stopped until a request
// needs one of their `models`. `up` once said "no backend serves a chat model yet" and pointed
// to `switchyard pull`, though a request for the configured model starts its backend.
describe('switchyard up with only a stopped managed backend', () => {
  let dir: string;
  let stack: ServiceProcess;
  let output = '';
  let gatewayUrl: string;

  beforeAll(async () => {
    const [natsPort, gatewayPort, simPort] = (await freePorts(3)) as [number, number, number];
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    dir = mkdtempSync(join(tmpdir(), 'switchyard-up-managed-'));
    const configFile = join(dir, 'switchyard.json');
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort },
      discovery: { well_known_ports: false },
      orchestrator: { ready_poll_ms: 100 },
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [managedSim('on-demand', simPort, { models: ['llama3.2'] })],
    };
    writeFileSync(configFile, JSON.stringify(config));
    stack = startServiceProcess(CLI_ENTRY, {
      args: ['up', '--sim', 'off', '--config', configFile],
      env: { TMPDIR: dir },
    });
    stack.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(() => output.includes('Ctrl-C stops') || stack.child.exitCode !== null, {
      timeoutMs: 60_000,
      description: 'the stack to be ready',
    });
  }, 90_000);

  afterAll(async () => {
    // SIGTERM, not SIGKILL: `up` killed outright would leave its nats-server running.
    if (stack?.child.exitCode === null) await stack.stop('SIGTERM');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('suggests a first chat with the configured model, which starts the backend and answers', async () => {
    expect(output).not.toContain('no backend serves a chat model yet');
    const tryLine = /try: curl (\S+) -d '(.*)'$/m.exec(output);
    expect(tryLine?.slice(1)).toEqual([
      `${gatewayUrl}/v1/chat/completions`,
      JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Say hello.' }] }),
    ]);
    expect(output).toContain(
      'the first request for llama3.2 through the gateway starts backend on-demand',
    );
    // Over plain NATS nothing starts it: the example would find no responders.
    expect(output).not.toContain('chat-over-nats.mjs');
    const body = JSON.parse(tryLine?.[2] ?? '{}') as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const openai = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answer = await openai.chat.completions.create(body);
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String));
  }, 60_000);
});
