import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@switchyard/service';
import { appEntry } from '../paths.js';
import { freePort } from '../proc/free-port.js';
import { ManagedChild } from '../proc/managed-child.js';
import { stepClockPreload } from '../steps/step-clock.js';

const START_TIMEOUT_MS = 30_000;

/**
 * A Switchyard service process started from its dist build with a JSON configuration file;
 * with `cpuProfDir`, under `node --cpu-prof` (V8 writes the profile when the process exits).
 */
function startService(
  name: string,
  app: string,
  configFile: string,
  cpuProfDir: string | undefined,
): ManagedChild {
  const profiling = cpuProfDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${cpuProfDir}`,
        `--cpu-prof-name=${name.replace(/\W+/g, '-')}.cpuprofile`,
      ]
    : [];
  const clock = stepClockPreload();
  return new ManagedChild({
    name,
    command: process.execPath,
    args: [...SERVICE_NODE_FLAGS, ...profiling, ...clock.args, appEntry(app)],
    env: Object.assign(
      { SWITCHYARD_CONFIG: configFile, SWITCHYARD_LOG__FORMAT: 'json' },
      clock.env,
    ),
  });
}

function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  // JSON is YAML: the services read it as their switchyard.yaml.
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const common = (natsUrl: string) => ({
  nats: { servers: [natsUrl] },
  // `info`, the default: no line per request (those are at debug), as in production.
  log: { level: 'info', format: 'json' },
  shutdown: { grace_ms: 2_000 },
});

export interface BenchGateway {
  url: string;
  process: ManagedChild;
}

export async function startGateway(
  dir: string,
  natsUrl: string,
  cpuProfDir?: string,
): Promise<BenchGateway> {
  const port = await freePort();
  const file = writeConfig(dir, 'gateway', {
    ...common(natsUrl),
    gateway: { host: '127.0.0.1', port },
  });
  const child = startService('gateway', 'gateway', file, cpuProfDir);
  await waitStarted(child, 'gateway');
  return { url: `http://127.0.0.1:${port}`, process: child };
}

export interface WorkerBackend {
  id: string;
  url: string;
  maxConcurrency: number;
  queueSize: number;
}

/** A vllm-worker serving one simulator. */
export async function startWorker(
  dir: string,
  natsUrl: string,
  backend: WorkerBackend,
  cpuProfDir?: string,
): Promise<ManagedChild> {
  const file = writeConfig(dir, `worker-${backend.id}`, {
    ...common(natsUrl),
    backends: [
      {
        id: backend.id,
        kind: 'vllm',
        url: backend.url,
        max_concurrency: backend.maxConcurrency,
        queue_size: backend.queueSize,
      },
    ],
    workers: { vllm: { refresh_interval_ms: 1_000 } },
  });
  const child = startService(`vllm-worker ${backend.id}`, 'vllm-worker', file, cpuProfDir);
  await waitStarted(child, 'vllm-worker');
  return child;
}

async function waitStarted(child: ManagedChild, service: string): Promise<void> {
  await child.waitForLine(
    (line) => line.includes(`"msg":"${service} started"`),
    START_TIMEOUT_MS,
    `its "${service} started" line`,
  );
}
