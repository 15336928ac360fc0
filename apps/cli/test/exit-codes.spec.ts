import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts } from '@switchyard/testing';
import { FleetBed } from './support/fleet-bed.js';
import { runCli } from './support/run-cli.js';

const USAGE_HINT = 'Run "switchyard help" for usage.\n';
const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

describe('exit code 2: usage errors, one line naming the problem', () => {
  it.each([
    [['bogus'], 'unknown command "bogus"'],
    [['status', '--verbose'], 'unknown option "--verbose" for status'],
    [['status', 'extra'], 'unexpected argument "extra" for status'],
    [['pull'], 'missing argument <model> for pull'],
    [['start'], 'missing argument <backend> for start'],
    [['logs', 'box', '--lines'], '--lines needs a value'],
    [['logs', 'box', '--lines', '0'], '--lines takes a whole number from 1 to 100000 (got "0")'],
    [
      ['logs', 'box', '--lines', '100001'],
      '--lines takes a whole number from 1 to 100000 (got "100001")',
    ],
    [['models', '--timeout', 'soon'], '--timeout takes a duration such as 30s'],
    [['pull', 'qwen3:0.6b', '--kind', 'llamafile'], '--kind takes ollama, lmstudio or vllm'],
    [['pull', '../etc/passwd'], 'pull: model:'],
    [['up', '--sim', 'maybe'], '--sim takes auto, on or off (got "maybe")'],
  ])('switchyard %j', async (args, problem) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [line, hint, ...rest] = run.stderr.split(/(?<=\n)/);
    expect(line).toMatch(/^switchyard: .*\n$/);
    expect(line).toContain(problem);
    expect(hint).toBe(USAGE_HINT);
    expect(rest).toEqual([]);
  });

  it('help prints the usage, with the exit codes, and exits 0', async () => {
    const run = await runCli(['help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: switchyard <command>/);
    expect(run.stdout).toMatch(/^ {2}69 {2}NATS cannot be reached/m);
    expect((await runCli(['chat', '--help'])).stdout).toBe(run.stdout);
  });

  it('sim --help prints the simulator usage as `switchyard sim`, and exits 0', async () => {
    const run = await runCli(['sim', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Usage: switchyard sim --kind ollama\|lmstudio\|vllm \[options\]\n/,
    );
    expect(run.stdout).toContain('--tokens-per-second N');
    expect(run.stderr).toBe('');
  });
});

describe('exit code 78: an invalid configuration, as for every service', () => {
  it('names the file and the problem', async () => {
    const run = await runCli(['status', '--config', '/nonexistent/switchyard.yaml']);
    expect(run.code).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/cannot read \/nonexistent\/switchyard\.yaml: ENOENT/);
  });

  // Settings no NATS server could accept: no hint to start nats-server, no lookup of a host. The
  // server, where one is set, is a port nothing listens on, should any run try to connect.
  it.each([
    [{ SWITCHYARD_NATS__PASSWORD: '12345' }, 'nats.user: must be set when nats.password is'],
    [{ SWITCHYARD_NATS__TOKEN: 't', SWITCHYARD_NATS__USER: 'u' }, 'nats.token: goes alone'],
    [{ SWITCHYARD_NATS__SERVERS: 'not-a-url' }, 'nats.servers[0]: use nats://host:port'],
    [
      // A public key where the seed belongs: the seed is a secret and is never quoted.
      { SWITCHYARD_NATS__NKEY_SEED: 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4' },
      'nats.nkey_seed: is not a valid nkey seed (a user\'s starts with "SU")',
    ],
    [
      { SWITCHYARD_NATS__TLS__CA_FILE: '/nonexistent/ca.pem' },
      'nats.tls.ca_file: cannot read /nonexistent/ca.pem: no such file',
    ],
  ])('names invalid NATS settings %j', async (env, problem) => {
    const nowhere = `nats://127.0.0.1:${(await freePorts(1))[0]}`;
    const run = await runCli(['status'], {
      env: Object.assign({ SWITCHYARD_NATS__SERVERS: nowhere }, env),
    });
    expect(run.code).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^switchyard: invalid configuration /);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).not.toContain('nats-server running');
  });
});

describe('exit code 69: NATS cannot be reached at the configured URL', () => {
  let url: string;

  beforeAll(async () => {
    url = `nats://127.0.0.1:${(await freePorts(1))[0]}`;
  });

  it.each([[['status']], [['models']], [['start', 'box']], [['chat', 'llama3.2', 'hi']]])(
    'switchyard %j',
    async (args) => {
      const run = await runCli(args, { env: { SWITCHYARD_NATS__SERVERS: url } });
      expect(run.code).toBe(69);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `switchyard: cannot connect to NATS at ${url}: connection refused. Is nats-server running ` +
          'there? "switchyard up" starts one, or set nats.servers (SWITCHYARD_NATS__SERVERS) to ' +
          'where yours runs\n',
      );
    },
  );
});

describe('exit code 69: NATS answers but no service does', () => {
  let bed: FleetBed;

  beforeAll(async () => {
    bed = await FleetBed.start({}, []);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  });

  it.each([
    [['start', 'box'], 'orchestrator', 'switchyard.v1.orchestrator.start'],
    [['logs', 'box'], 'orchestrator', 'switchyard.v1.orchestrator.logs'],
    [['pull', 'qwen3:0.6b'], 'orchestrator', 'switchyard.v1.orchestrator.pull'],
    [['models'], 'worker', '$SRV.INFO'],
  ])('switchyard %j names the %s and how to start it', async (args, service, subject) => {
    const run = await bed.cli(args);
    expect(run.code).toBe(69);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^[^\n]*\n$/);
    // The server asked, for a command run without the fleet's configuration asks 127.0.0.1:4222.
    const server = new URL(bed.nats.url).host;
    expect(run.stderr).toContain(
      `switchyard: no ${service} answers on ${subject} at the NATS server ${server}: start the ` +
        'stack with "switchyard up", or run ',
    );
    expect(run.stderr).toContain(
      service === 'worker'
        ? 'node apps/<kind>-worker/dist/main.js from the repository, <kind> one of ollama, ' +
            'lmstudio, vllm (compose services "ollama-worker", "lmstudio-worker", "vllm-worker")'
        : 'node apps/orchestrator/dist/main.js from the repository (compose service "orchestrator")',
    );
    expectRunnableHints(run.stderr);
  });

  it('status names both the orchestrator and discovery', async () => {
    const run = await bed.cli(['status']);
    expect(run.code).toBe(69);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^switchyard: no orchestrator answers on switchyard\.v1\.orchestrator\.status at the NATS server 127\.0\.0\.1:\d+: .*node apps\/orchestrator\/dist\/main\.js/,
      ),
      expect.stringMatching(
        /^switchyard: no discovery answers on switchyard\.v1\.discovery\.snapshot at the NATS server 127\.0\.0\.1:\d+: .*node apps\/discovery\/dist\/main\.js/,
      ),
    ]);
    expectRunnableHints(run.stderr);
  });
});

describe('with only the orchestrator running', () => {
  let bed: FleetBed;

  beforeAll(async () => {
    bed = await FleetBed.start(
      { backends: [{ id: 'box', kind: 'ollama', url: 'http://127.0.0.1:9', mode: 'external' }] },
      ['orchestrator'],
    );
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  });

  it.each([[['start', 'nope']], [['restart', 'nope']], [['logs', 'nope']]])(
    "switchyard %j exits 1 with the fleet's error: unknown backend",
    async (args) => {
      const run = await bed.cli(args);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error not_found: [^\n]*"nope"[^\n]*\n$/);
    },
  );

  it('status shows what the orchestrator knows and exits 69 naming discovery', async () => {
    const run = await bed.cli(['status', '--json']);
    expect(run.code).toBe(69);
    expect(JSON.parse(run.stdout)).toEqual({
      backends: [
        expect.objectContaining({ backend: 'box', mode: 'external', health: null, models: null }),
      ],
      workers: [],
    });
    expect(run.stderr).toMatch(
      /^switchyard: no discovery answers on switchyard\.v1\.discovery\.snapshot at the NATS server 127\.0\.0\.1:\d+: [^\n]*\n$/,
    );
  });
});

/**
 * A hint names only what exists: each `node apps/…` entry point (every kind for `<kind>`) and each
 * compose service, and no `switchyard-<service>` command, which npm links nowhere.
 */
function expectRunnableHints(stderr: string): void {
  expect(stderr).not.toMatch(/switchyard-(orchestrator|discovery|\w+-worker)/);
  const entries = [...stderr.matchAll(/node (apps\/\S+\/dist\/main\.js)/g)].flatMap(([, entry]) =>
    ['ollama', 'lmstudio', 'vllm'].map((kind) => (entry as string).replace('<kind>', kind)),
  );
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) expect(existsSync(join(REPOSITORY, entry))).toBe(true);
  const compose = readFileSync(join(REPOSITORY, 'docker-compose.yml'), 'utf8');
  for (const [, service] of stderr.matchAll(/"([a-z-]+)"/g)) {
    expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
  }
}
