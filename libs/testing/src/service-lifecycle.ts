import { getMonitoringJson } from './monitoring.js';
import { startNatsServer } from './nats-server.js';
import { startServiceProcess } from './service-process.js';

export interface ServiceLifecycleRun {
  /** Names of the connections the NATS server saw while the service ran. */
  connectionNames: string[];
  /** The `msg` of every log line, in order. */
  messages: string[];
  /** Every log line. */
  logs: Record<string, unknown>[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * Runs a built service against its own nats-server: waits for `<name> started`, notes which
 * connections the server sees, sends SIGTERM and waits for the exit. The caller asserts.
 */
export async function runServiceLifecycle(
  entry: string,
  name: string,
  env: Record<string, string> = {},
): Promise<ServiceLifecycleRun> {
  const nats = await startNatsServer({ jetstream: false });
  try {
    const service = startServiceProcess(entry, {
      env: { SWITCHYARD_NATS__SERVERS: nats.url, ...env },
    });
    await service.waitForLog(`${name} started`);
    const connz = await getMonitoringJson<{ connections?: { name?: string }[] }>(
      `${nats.monitorUrl}/connz`,
    );
    const exit = await service.stop('SIGTERM');
    const logs = service.logs();
    return {
      connectionNames: (connz.connections ?? []).map((connection) => connection.name ?? ''),
      messages: logs.map((line) => String(line['msg'])),
      logs,
      exit,
    };
  } finally {
    await nats.stop();
  }
}
