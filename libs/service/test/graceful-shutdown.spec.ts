import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';

const fixture = fileURLToPath(new URL('./fixtures/fixture-service.mjs', import.meta.url));

interface Run {
  child: ChildProcess;
  lines: () => Record<string, unknown>[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startFixture(env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, SWITCHYARD_LOG__FORMAT: 'json', SWITCHYARD_CONFIG: '/dev/null', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, lines, stderr: () => stderr, exit };
}

async function waitForLine(
  run: Run,
  msg: string,
  timeoutMs = 10_000 + SCHEDULING_SLACK_MS,
): Promise<void> {
  const started = Date.now();
  while (!run.lines().some((line) => line['msg'] === msg)) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`no "${msg}" line; stderr: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('service lifecycle', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'finishes in-flight work on %s, then exits 0',
    async (signal) => {
      const run = startFixture();
      await waitForLine(run, 'fixture started');
      run.child.kill(signal);
      const { code } = await run.exit;

      expect(code).toBe(0);
      const messages = run.lines().map((line) => line['msg']);
      expect(messages).toEqual([
        'fixture started',
        'fixture shutting down',
        'finishing in-flight work',
        'in-flight work finished',
        'fixture stopped',
      ]);
      expect(run.lines().every((line) => line['service'] === 'fixture')).toBe(true);
    },
  );

  it('stops cleanly once started when signalled during start-up', async () => {
    const run = startFixture({ FIXTURE_STARTUP_MS: '500' });
    await waitForLine(run, 'starting up');
    run.child.kill('SIGTERM');
    const { code, signal } = await run.exit;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(run.lines().map((line) => line['msg'])).toEqual([
      'starting up',
      'signal during start-up; stopping once started',
      'fixture started',
      'fixture shutting down',
      'finishing in-flight work',
      'in-flight work finished',
      'fixture stopped',
    ]);
  });

  it('exits 1 at once on a second signal during a start-up that hangs', async () => {
    const run = startFixture({ FIXTURE_STARTUP_MS: '60000' });
    await waitForLine(run, 'starting up');
    run.child.kill('SIGTERM');
    await waitForLine(run, 'signal during start-up; stopping once started');
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(5_000 + SCHEDULING_SLACK_MS);
    expect(run.lines().map((line) => line['msg'])).not.toContain('fixture started');
  });

  it('exits 1 when shutdown overruns the grace period', async () => {
    const run = startFixture({ SWITCHYARD_SHUTDOWN__GRACE_MS: '100', FIXTURE_WORK_MS: '60000' });
    await waitForLine(run, 'fixture started');
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(run.lines().map((line) => line['msg'])).toContain(
      'shutdown overran its grace period; exiting',
    );
  });

  it('exits 78 naming the problem when the service finds the configuration invalid as it starts', async () => {
    const run = startFixture({ FIXTURE_CONFIG_PROBLEM: 'backends[id=box]: needs a `command`' });
    const { code } = await run.exit;
    expect(code).toBe(78);
    expect(run.stderr()).toBe(
      'invalid configuration (fixture):\n  - backends[id=box]: needs a `command`\n',
    );
    expect(run.lines().map((line) => line['msg'])).not.toContain('fixture started');
  });

  it('refuses to start with an invalid configuration, naming the field and the value', async () => {
    const run = startFixture({ SWITCHYARD_GATEWAY__PORT: '99999' });
    const { code } = await run.exit;
    expect(code).toBe(78);
    expect(run.stderr()).toMatch(/gateway\.port: .*\(got 99999\)/);
  });

  it.each([
    [{ SWITCHYARD_NATS__PASSWORD: '12345' }, 'nats.user: must be set when nats.password is'],
    [
      { SWITCHYARD_NATS__TOKEN: 't', SWITCHYARD_NATS__USER: 'u', SWITCHYARD_NATS__PASSWORD: 'p' },
      'nats.token: goes alone',
    ],
    [{ SWITCHYARD_NATS__SERVERS: 'not-a-url' }, 'nats.servers[0]: use nats://host:port'],
    [
      { SWITCHYARD_NATS__TLS__CA_FILE: '/nonexistent/ca.pem' },
      'nats.tls.ca_file: cannot read /nonexistent/ca.pem: no such file',
    ],
  ])('refuses NATS settings that cannot work as configuration: %j', async (env, problem) => {
    const run = startFixture(env);
    // A fixture that took the settings would run until stopped: the test stops it then.
    const ended = await Promise.race([
      run.exit,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), 5_000 + SCHEDULING_SLACK_MS),
      ),
    ]);
    if (ended === undefined) run.child.kill('SIGKILL');
    expect(ended?.code).toBe(78);
    expect(run.stderr()).toContain(problem);
    expect(run.stderr()).not.toContain('12345');
  });
});
