/**
 * The JSON log lines of a gateway running in this process (the fleet fixture's gateways log to
 * stdout): from `start()` until `stop()`, lines that are JSON log records are kept in `lines`
 * instead of printed; anything else still reaches stdout.
 */
export class GatewayLog {
  readonly lines: Record<string, unknown>[] = [];
  private readonly write = process.stdout.write.bind(process.stdout);

  start(): void {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = chunk.toString();
      if (!text.startsWith('{"level"')) return this.write(chunk, ...rest);
      this.lines.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    }) as typeof process.stdout.write;
  }

  stop(): void {
    process.stdout.write = this.write;
  }
}
