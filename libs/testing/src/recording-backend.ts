import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a spec's stand-in backend answers one request; `body` is its JSON, `{}` when empty. */
export type BackendRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
) => void;

export interface RecordingBackendOptions<Recorded> {
  route: BackendRoute;
  /** What a spec keeps of each request: the fields its checks compare, and no others. */
  record: (req: IncomingMessage, body: Record<string, unknown>) => Recorded;
}

/** What most adapter specs keep of a request: the path it went to and its JSON body. */
export interface RecordedUrlAndBody {
  url: string;
  body: Record<string, unknown>;
}

export function recordUrlAndBody(
  req: IncomingMessage,
  body: Record<string, unknown>,
): RecordedUrlAndBody {
  return { url: req.url ?? '', body };
}

/** A real HTTP server on a random loopback port that plays a backend for an adapter's spec. */
export interface RecordingBackend<Recorded> {
  /** `http://127.0.0.1:<port>`, for the spec's endpoint. */
  readonly url: string;
  /** Every request so far, in arrival order, as `record` kept it. */
  readonly requests: Recorded[];
  /** Drops open connections (a stream a test left open would hold the server) and stops. */
  close(): Promise<void>;
}

/**
 * Starts a server that reads each request's JSON body, records it, then hands it to `route`.
 * The adapter under test talks to it over real HTTP, so its requests and its reading of the
 * recorded answers are checked byte for byte, with no mocks in between.
 */
export async function startRecordingBackend<Recorded>(
  options: RecordingBackendOptions<Recorded>,
): Promise<RecordingBackend<Recorded>> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (data: Buffer) => (raw += data.toString()));
    req.on('end', () => {
      const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      requests.push(options.record(req, body));
      options.route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
