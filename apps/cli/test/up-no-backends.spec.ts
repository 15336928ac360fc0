import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { freePorts, startServiceProcess, waitFor, type ServiceProcess } from '@switchyard/testing';
import { CLI_ENTRY, runCli } from './support/run-cli.js';

// `up --sim off` on a machine with no backend configured or found. Its banner used to suggest
// "npx switchyard pull MODEL", which then failed: there is no backend to pull into.
describe('switchyard up with no backend at all', () => {
  let dir: string;
  let configFile: string;
  let stack: ServiceProcess;
  let output = '';

  beforeAll(async () => {
    const [natsPort, gatewayPort] = (await freePorts(2)) as [number, number];
    dir = mkdtempSync(join(tmpdir(), 'switchyard-up-no-backends-'));
    configFile = join(dir, 'switchyard.json');
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort },
      discovery: { well_known_ports: false },
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

  it('suggests no pull, which has no backend to pull into', async () => {
    expect(output).toContain('no backends configured or found on the well-known ports');
    expect(output).toContain(
      'switchyard: no backend serves a chat model yet: "npx switchyard models" lists what the workers serve',
    );
    expect(output).not.toContain('switchyard pull');
    const pull = await runCli(['pull', 'qwen3:0.6b'], { env: { SWITCHYARD_CONFIG: configFile } });
    expect(pull).toMatchObject({ code: 1 });
    expect(pull.stderr).toContain('no configured Ollama or LM Studio backend');
  }, 60_000);
});
