import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Where the search starts: clear of the well-known and registered ports services sit on. */
const LOWEST_PORT = 10_000;
/** Linux's default start of the ephemeral range, for machines that do not say theirs. */
const DEFAULT_EPHEMERAL_START = 32_768;
const MAX_ATTEMPTS = 200;
/** Just below the ephemeral range; the machine's range does not change while tests run. */
const HIGHEST_PORT = ephemeralRangeStart() - 1;

/**
 * `count` distinct TCP ports that are free on loopback now, chosen at random *below* the kernel's
 * ephemeral range.
 *
 * The ports are released before this returns, so a test may hold one idle for a while (a
 * backend that is started later, an address where nothing must answer). Taking them from the
 * ephemeral range, as `listen(0)` does, lets every other suite's `listen(0)` and every outgoing
 * connection on the machine take the same port in that window; below the range only another
 * caller of this function can, one chance in thousands. Callers that bind a fixed port
 * (a cluster's routes) still retry on "address already in use".
 */
export async function freePorts(count: number): Promise<number[]> {
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count; attempt++) {
    if (attempt >= MAX_ATTEMPTS) {
      throw new Error(
        `found only ${chosen.size} of ${count} free ports in ${LOWEST_PORT}-${HIGHEST_PORT}`,
      );
    }
    const port = LOWEST_PORT + Math.floor(Math.random() * (HIGHEST_PORT - LOWEST_PORT + 1));
    if (!chosen.has(port) && (await canBind(port))) chosen.add(port);
  }
  return [...chosen];
}

function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const parsed = Number(start);
    return parsed > LOWEST_PORT + 1_000 ? parsed : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

/** Whether a listener can take the port (binding 127.0.0.1 also fails when one holds 0.0.0.0). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server: Server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
