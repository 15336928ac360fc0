import { connect, createServer, type Server, type Socket } from 'node:net';

/** One relayed connection: the client's socket, the one to the target, and what froze between. */
interface Pair {
  client: Socket;
  target: Socket;
  held: { to: Socket; chunk: Buffer }[];
}

/**
 * A loopback TCP relay to a port, for putting one client's link to a server at a test's mercy
 * while every other client keeps its own: {@link cut} it (the client sees its socket close, and
 * every dial refused until {@link restore}), or {@link freeze} it (the sockets stay open and
 * nothing moves either way, as with a server that hangs or a host that vanished, until
 * {@link thaw}).
 */
export class TcpRelay {
  private readonly pairs = new Set<Pair>();
  private isCut = false;
  private isFrozen = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetPort: number,
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  /** Starts relaying a random free loopback port to `targetPort` on loopback. */
  static async start(targetPort: number): Promise<TcpRelay> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    return new TcpRelay(server, address.port, targetPort);
  }

  /** `nats://127.0.0.1:<port>`, for a client that should connect through the relay. */
  get natsUrl(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Closes every relayed connection, and closes new ones at once until {@link restore}. */
  cut(): void {
    this.isCut = true;
    for (const pair of this.pairs) destroy(pair);
    this.pairs.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  /** Stops moving bytes on every connection, new ones included, until {@link thaw}. */
  freeze(): void {
    this.isFrozen = true;
  }

  /** Delivers what froze, in order, and moves bytes again. */
  thaw(): void {
    this.isFrozen = false;
    for (const pair of this.pairs) {
      for (const { to, chunk } of pair.held) to.write(chunk);
      pair.held = [];
    }
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const target = connect(this.targetPort, '127.0.0.1');
    const pair: Pair = { client, target, held: [] };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      destroy(pair);
    };
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.isFrozen) pair.held.push({ to, chunk });
      else to.write(chunk);
    };
    client.on('data', forward(target)).on('error', end).on('close', end);
    target.on('data', forward(client)).on('error', end).on('close', end);
  }
}

function destroy({ client, target }: Pair): void {
  client.destroy();
  target.destroy();
}
