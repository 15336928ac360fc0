import { execFileSync } from 'node:child_process';
import { freePort } from '../proc/free-port.js';
import { ManagedChild } from '../proc/managed-child.js';

const INSTALL_HINT =
  'nats-server was not found on PATH. Install it: Debian/Ubuntu `sudo apt-get install nats-server`, ' +
  'macOS `brew install nats-server`, anywhere `go install github.com/nats-io/nats-server/v2@latest` ' +
  '(or set NATS_SERVER_BIN).';

const binary = (): string => process.env['NATS_SERVER_BIN'] ?? 'nats-server';

/** `nats-server --version` ("v2.9.10"); throws with install instructions when it is missing. */
export function natsServerVersion(): string {
  try {
    const text = execFileSync(binary(), ['--version'], { encoding: 'utf8' }).trim();
    return text.replace(/^nats-server:\s*/, '');
  } catch {
    throw new Error(INSTALL_HINT);
  }
}

export interface BenchNats {
  url: string;
  monitorUrl: string;
  process: ManagedChild;
}

/** A nats-server on free loopback ports (core NATS only: the benchmark needs no JetStream). */
export async function startNats(): Promise<BenchNats> {
  natsServerVersion();
  const [port, monitor] = [await freePort(), await freePort()];
  const child = new ManagedChild({
    name: 'nats-server',
    command: binary(),
    args: ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor)],
  });
  await child.waitForLine((line) => line.includes('Server is ready'), 15_000, '"Server is ready"');
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitor}`,
    process: child,
  };
}

interface SubszReply {
  subscriptions_list?: { subject: string; qgroup?: string }[];
}

/** How many subscriptions the server holds on `subject` in queue group `queue`. */
export async function countSubscriptions(
  nats: BenchNats,
  subject: string,
  queue: string,
): Promise<number> {
  const response = await fetch(`${nats.monitorUrl}/subsz?subs=1&limit=100000`);
  const body = (await response.json()) as SubszReply;
  return (body.subscriptions_list ?? []).filter(
    (sub) => sub.subject === subject && sub.qgroup === queue,
  ).length;
}
