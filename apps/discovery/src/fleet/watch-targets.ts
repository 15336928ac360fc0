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
  const taken = new Set(targets.map((target) => new URL(target.url).host));
  for (const host of config.discovery.hosts) {
    for (const kind of BACKEND_KINDS) {
      const port = config.discovery.well_known[kind];
      const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
      if (taken.has(url.host)) continue;
      taken.add(url.host);
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
