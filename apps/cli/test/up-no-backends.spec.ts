import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { runCli } from './support/run-cli.js';
import { UpStack } from './support/up-stack.js';

// `up --sim off` on a machine with no backend configured or found. Its banner used to suggest
// "npx switchyard pull MODEL", which then failed: there is no backend to pull into.
describe('switchyard up with no backend at all', () => {
  let stack: UpStack;

  beforeAll(async () => {
    const [natsPort, gatewayPort] = (await freePorts(2)) as [number, number];
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort },
      discovery: { well_known_ports: false },
    };
    stack = await UpStack.start('up-no-backends', config, ['--sim', 'off']);
  }, 90_000);

  afterAll(() => stack?.close(), 60_000);

  it('suggests no pull, which has no backend to pull into', async () => {
    expect(stack.output()).toContain('no backends configured or found on the well-known ports');
    expect(stack.output()).toContain(
      'switchyard: no backend serves a chat model yet: "npx switchyard models" lists what the workers serve',
    );
    expect(stack.output()).not.toContain('switchyard pull');
    const pull = await runCli(['pull', 'qwen3:0.6b'], {
      env: { SWITCHYARD_CONFIG: stack.configFile },
    });
    expect(pull).toMatchObject({ code: 1 });
    expect(pull.stderr).toContain('no configured Ollama or LM Studio backend');
  }, 60_000);
});
