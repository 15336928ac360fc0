import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Subjects } from '@switchyard/contracts';
import {
  SCHEDULING_SLACK_MS,
  startNatsServer,
  startServiceProcess,
  type NatsServer,
} from '@switchyard/testing';
import { KV_API_TIMEOUT_MS, KV_OPEN_WINDOW_MS } from '../src/registry/open-bucket.js';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

// The process view of a refused bucket: start-up fails, the error is logged once with the
// bucket's name, and the process exits with a failure code (a supervisor restarts it or shows
// why), rather than hanging or running as a second leader.
describe('the discovery process when JetStream refuses its bucket', () => {
  let nats: NatsServer;

  beforeAll(async () => {
    nats = await startNatsServer({
      config: `authorization: { users: [
        { user: discovery, password: discovery,
          permissions: { publish: { deny: ["$JS.API.STREAM.CREATE.>"] } } }
      ] }`,
    });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('logs why and exits 1', async () => {
    const service = startServiceProcess(entry, {
      env: {
        SWITCHYARD_NATS__SERVERS: nats.url,
        SWITCHYARD_NATS__USER: 'discovery',
        SWITCHYARD_NATS__PASSWORD: 'discovery',
        SWITCHYARD_DISCOVERY__WELL_KNOWN_PORTS: 'false',
      },
    });
    // Whichever comes first: the exit, or (the defect) a discovery that started regardless.
    await service
      .waitForLog('discovery started', KV_OPEN_WINDOW_MS + KV_API_TIMEOUT_MS + SCHEDULING_SLACK_MS)
      .catch(() => undefined);
    const exit = await service.stop('SIGKILL');

    expect(service.logs().map((line) => line['msg'])).not.toContain('discovery started');
    const fatal = service.logs().find((line) => line['msg'] === 'start-up failed');
    expect(fatal?.['err']).toMatchObject({
      type: 'RegistryBucketError',
      message: expect.stringContaining(
        `cannot open the KV bucket "${new Subjects().registryBucket}": JetStream refused it`,
      ),
    });
    expect(exit).toEqual({ code: 1, signal: null });
  }, 60_000);
});
