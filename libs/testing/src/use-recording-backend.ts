import { jestApi } from './worker-conformance/jest-api.js';
import {
  startRecordingBackend,
  type RecordingBackend,
  type RecordingBackendOptions,
} from './recording-backend.js';

/** The endpoint an adapter's spec hands the adapter: a worker-runtime `BackendEndpoint` fits. */
export interface RecordingEndpoint {
  readonly id: string;
  /** The recording backend's URL, known once it has started. */
  readonly url: string;
  readonly apiKey?: string;
}

export interface UseRecordingBackendOptions<Recorded> extends RecordingBackendOptions<Recorded> {
  /** The endpoint but for its URL, which the server's random port decides. */
  endpoint: Omit<RecordingEndpoint, 'url'>;
  /** Closed after the backend, once the file's tests are done: the adapter under test. */
  closeAfter?: { close(): Promise<unknown> };
}

export interface RecordingBackendFixture<Recorded> {
  /** The started server; read it inside tests (it starts before the first). */
  readonly backend: RecordingBackend<Recorded>;
  readonly endpoint: RecordingEndpoint;
  /** A fresh deadline for one call to the adapter: a hung call fails its test, not the run. */
  signal(): AbortSignal;
}

const CALL_DEADLINE_MS = 5_000;

/**
 * Starts a recording backend before the enclosing `describe`'s tests (the file's, at top level)
 * and closes it, then `closeAfter`, after them. The returned backend and endpoint are fixed
 * objects that read the server when used, so a spec can name them in its tests directly.
 */
export function useRecordingBackend<Recorded>(
  options: UseRecordingBackendOptions<Recorded>,
): RecordingBackendFixture<Recorded> {
  const { beforeAll, afterAll } = jestApi();
  let started: RecordingBackend<Recorded> | undefined;
  const server = (): RecordingBackend<Recorded> => {
    if (started === undefined) throw new Error('the recording backend has not started');
    return started;
  };
  beforeAll(async () => {
    started = await startRecordingBackend(options);
  });
  afterAll(async () => {
    await started?.close();
    await options.closeAfter?.close();
  });
  return {
    backend: {
      get url() {
        return server().url;
      },
      get requests() {
        return server().requests;
      },
      close: () => server().close(),
    },
    endpoint: {
      ...options.endpoint,
      get url() {
        return server().url;
      },
    },
    signal: () => AbortSignal.timeout(CALL_DEADLINE_MS),
  };
}
