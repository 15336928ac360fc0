import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendConfig, SwitchyardConfigInput } from '@switchyard/contracts';

type BackendConfigInput = NonNullable<SwitchyardConfigInput['backends']>[number];
import {
  SCHEDULING_SLACK_MS,
  startNatsServer,
  startServiceProcess,
  tearDown,
  type NatsServer,
  type ServiceProcess,
} from '@switchyard/testing';
import {
  CLI_ENTRY,
  runCli,
  startCli,
  type CliOptions,
  type CliResult,
  type CliRun,
} from './run-cli.js';

const SERVICES = {
  orchestrator: { entry: '../../../orchestrator/dist/main.js', ready: 'orchestrator ready' },
  discovery: { entry: '../../../discovery/dist/main.js', ready: 'discovery started' },
  'ollama-worker': { entry: '../../../ollama-worker/dist/main.js', ready: 'ollama-worker started' },
} as const;

export type BedService = keyof typeof SERVICES;

/** Short timings so state shows within seconds; what a loaded machine stretches has slack. */
const TEST_TIMINGS: SwitchyardConfigInput = {
  discovery: {
    well_known_ports: false,
    interval_ms: 250,
    model_refresh_ms: 600,
    probe_timeout_ms: 1_500 + SCHEDULING_SLACK_MS,
    degraded_latency_ms: 1_200 + SCHEDULING_SLACK_MS,
    max_backoff_ms: 1_000,
    heartbeat_ms: 1_000,
    lease_ttl_ms: 900 + SCHEDULING_SLACK_MS,
  },
  orchestrator: {
    ready_poll_ms: 100,
    health_interval_ms: 500,
    start_timeout_ms: 20_000,
    stop_grace_ms: 3_000,
  },
  workers: { ollama: { refresh_interval_ms: 300 } },
};

/** The configured command that runs a simulated backend: `switchyard sim --kind … --port …`. */
export function simCommand(kind: string, port: number): BackendConfig['command'] {
  return {
    program: process.execPath,
    args: [CLI_ENTRY, 'sim', '--kind', kind, '--port', String(port), '--load-ms', '0'],
    env: {},
  };
}

/** A managed Ollama backend whose command runs a simulator on `port`. */
export function managedSim(
  id: string,
  port: number,
  more: Partial<BackendConfigInput> = {},
): BackendConfigInput {
  return Object.assign(
    {
      id,
      kind: 'ollama' as const,
      url: `http://127.0.0.1:${port}`,
      mode: 'managed' as const,
      command: simCommand('ollama', port),
    },
    more,
  );
}

/**
 * A fleet of the test's own: a nats-server on a random port, a configuration file naming it, and
 * the real services (from their dist builds) with that file. `cli()` runs the built CLI with the
 * same configuration, as an operator on the machine would.
 */
export class FleetBed {
  private constructor(
    readonly nats: NatsServer,
    readonly configFile: string,
    private readonly dir: string,
    readonly services: ServiceProcess[],
  ) {}

  /** `natsConfig`: the nats-server's configuration file, e.g. a small `max_payload`. */
  static async start(
    config: SwitchyardConfigInput,
    services: readonly BedService[],
    natsConfig?: string,
  ): Promise<FleetBed> {
    const nats = await startNatsServer(natsConfig === undefined ? {} : { config: natsConfig });
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const configFile = join(dir, 'switchyard.json');
    writeFileSync(
      configFile,
      JSON.stringify({ ...TEST_TIMINGS, ...config, nats: { ...config.nats, servers: [nats.url] } }),
    );
    const started = services.map((service) =>
      startServiceProcess(fileURLToPath(new URL(SERVICES[service].entry, import.meta.url)), {
        env: { SWITCHYARD_CONFIG: configFile },
      }),
    );
    const bed = new FleetBed(nats, configFile, dir, started);
    try {
      await Promise.all(
        services.map((service, i) => started[i]?.waitForLog(SERVICES[service].ready, 45_000)),
      );
    } catch (error) {
      await bed.close();
      throw error;
    }
    return bed;
  }

  cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
    return runCli(args, this.withConfig(options));
  }

  startCli(args: readonly string[], options: CliOptions = {}): CliRun {
    return startCli(args, this.withConfig(options));
  }

  async close(): Promise<void> {
    await tearDown(
      ...[...this.services].reverse().map((service) => () => service.stop('SIGTERM')),
      () => this.nats.stop(),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private withConfig(options: CliOptions): CliOptions {
    return { ...options, env: { SWITCHYARD_CONFIG: this.configFile, ...options.env } };
  }
}
