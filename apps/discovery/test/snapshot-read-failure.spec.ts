import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { orchestratorErrorReplySchema, Subjects, type WireError } from '@switchyard/contracts';
import {
  closeConnection,
  pauseProcess,
  resumeProcess,
  startNatsServer,
  tearDown,
  type NatsServer,
} from '@switchyard/testing';
import { RegistryStore } from '../src/registry/registry-store.js';
import { SnapshotResponder } from '../src/registry/snapshot-responder.js';
import { capturedLogger } from './support/captured-logger.js';

/** The caller's own timeout: the error answer must come long before it. */
const CALLER_TIMEOUT_MS = 10_000;
/** How long an error answer may take: a failed read plus scheduling, far below the above. */
const PROMPT_MS = 2_000;
/** The JetStream timeout of the read that times out. */
const READ_TIMEOUT_MS = 300;

// A stand-by replica answers snapshots from the registry bucket. A read that failed used to be
// logged and never answered, so the caller waited out its own timeout for nothing.
describe('a snapshot request while the registry bucket cannot be read', () => {
  const subjects = new Subjects();
  const logs: Record<string, unknown>[] = [];
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await tearDown(
      () => closeConnection(nc),
      async () => nats?.stop(),
    );
  });

  /** Runs a responder reading the registry through `source` and asks it for one snapshot. */
  async function snapshotError(
    source: () => Promise<never>,
  ): Promise<{ error: WireError; elapsedMs: number }> {
    const logger = capturedLogger(logs);
    const responder = new SnapshotResponder(nc, subjects, source, logger);
    responder.start();
    try {
      const started = Date.now();
      const reply = await nc.request(subjects.discoverySnapshot, '', {
        timeout: CALLER_TIMEOUT_MS,
      });
      const elapsedMs = Date.now() - started;
      return { error: orchestratorErrorReplySchema.parse(reply.json()).error, elapsedMs };
    } finally {
      await responder.stop();
    }
  }

  it('answers backend_unavailable at once, naming the bucket and the cause', async () => {
    const store = await RegistryStore.open(nc, {
      bucket: subjects.registryBucket,
      ttlMs: 60_000,
      replicas: 1,
    });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`KV_${subjects.registryBucket}`);
    const failure = await store.list().then(
      () => new Error('the bucket was read'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).not.toBe('the bucket was read');

    const { error, elapsedMs } = await snapshotError(() => store.list() as Promise<never>);
    expect(elapsedMs).toBeLessThan(PROMPT_MS);
    expect(error).toMatchObject({ code: 'backend_unavailable', retryable: true });
    expect(error.message).toContain(`registry bucket ${subjects.registryBucket}`);
    expect(error.message).toContain(failure.message);
    expect(error.message).toContain('read the bucket directly');
    expect(error.details).toEqual({ bucket: subjects.registryBucket });
    expect(
      logs.filter((line) => line['msg'] === 'could not read the registry for a snapshot'),
    ).not.toHaveLength(0);
  });

  it('answers timeout when the read timed out', async () => {
    // A second server, stopped: its JetStream API never answers, and the read times out. Stopped
    // with every thread at rest: one still running when `kill` returned could answer the read
    // ("stream not found", which is `backend_unavailable`; one CI run got that).
    const silent = await startNatsServer();
    const silentNc = await connect({ servers: silent.url });
    const pid = silent.pid as number;
    await pauseProcess(pid);
    try {
      const read = async (): Promise<never> => {
        const jsm = await jetstreamManager(silentNc, { timeout: READ_TIMEOUT_MS, checkAPI: false });
        await jsm.streams.info(`KV_${subjects.registryBucket}`);
        throw new Error('the stopped server answered');
      };
      const { error, elapsedMs } = await snapshotError(read);
      expect(elapsedMs).toBeLessThan(READ_TIMEOUT_MS + PROMPT_MS);
      // The message in the comparison, so that a failure shows what the read failed with.
      expect({ code: error.code, retryable: error.retryable, message: error.message }).toEqual({
        code: 'timeout',
        retryable: true,
        message: expect.stringContaining(`registry bucket ${subjects.registryBucket} timed out`),
      });
      expect(error.message).toContain('read the bucket directly');
    } finally {
      resumeProcess(pid);
      await silentNc.close();
      await silent.stop();
    }
  });
});
