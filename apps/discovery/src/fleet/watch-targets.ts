import { BACKEND_KINDS, type BackendKind, type SwitchyardConfig } from '@switchyard/contracts';

/** One endpoint discovery watches. Only the configuration produces these: never a NATS message. */
export interface WatchTarget {
  id: string;
  kind: BackendKind;
  url: string;
  apiKey?: string;
  managed?: boolean;
  /**
   * `configured` endpoints are always in the registry; `well-known` ones only once something
   * answered there, and they expire `entry_ttl_ms` after the last answer.
   */
  origin: 'configured' | 'well-known';
}

/**
 * The configured backends, then each kind's well-known port on each of `discovery.hosts` unless
 * a configured backend already names that address.
 */
export function watchTargets(
  config: Pick<SwitchyardConfig, 'backends' | 'discovery'>,
): WatchTarget[] {
  const targets: WatchTarget[] = config.backends.map((backend) => ({
    id: backend.id,
    kind: backend.kind,
    url: backend.url,
    ...(backend.api_key === undefined ? {} : { apiKey: backend.api_key }),
    managed: backend.mode === 'managed',
    origin: 'configured',
  }));
  if (!config.discovery.well_known_ports) return targets;
  const taken = new Set(targets.flatMap((target) => sameAddresses(new URL(target.url))));
  for (const host of config.discovery.hosts) {
    for (const kind of BACKEND_KINDS) {
      const port = config.discovery.well_known[kind];
      const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
      const addresses = sameAddresses(url);
      if (addresses.some((address) => taken.has(address))) continue;
      for (const address of addresses) taken.add(address);
      targets.push({
        id: wellKnownId(kind, host, port),
        kind,
        url: url.origin,
        origin: 'well-known',
      });
    }
  }
  return targets;
}

/**
 * The `host:port`s a URL reaches one server by. `localhost` is loopback (RFC 6761), so
 * `localhost:11434` is `127.0.0.1:11434` or `[::1]:11434`, whichever the server listens on: a
 * backend configured as `http://localhost:11434` must not be probed again, and registered a
 * second time, as `ollama-127-0-0-1-11434`. Its workers would serve the two as two backends,
 * each with its own `max_concurrency`, and send the one server twice as many requests at once.
 * `127.0.0.1` and `::1` stay apart: a server may listen on one and not the other.
 */
function sameAddresses(url: URL): string[] {
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const address = `${hostname}:${port}`;
  if (hostname !== 'localhost' && !hostname.endsWith('.localhost')) return [address];
  return [address, `127.0.0.1:${port}`, `[::1]:${port}`];
}

/**
 * `ollama-127-0-0-1-11434`: a valid backend id (lower case, at most 63 characters), the same on
 * every replica and every restart. A very long host name is shortened; kind and port stay.
 */
export function wellKnownId(kind: BackendKind, host: string, port: number): string {
  const room = 63 - kind.length - String(port).length - 2;
  const hostToken =
    host
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, room)
      .replace(/^-+|-+$/g, '') || 'host';
  return `${kind}-${hostToken}-${port}`;
}
