import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Subjects } from '@switchyard/contracts';
import { connectNats, type NatsConnection } from '@switchyard/nats';
import { startNatsServer, type NatsServer } from '@switchyard/testing';
import type { Service } from '@nats-io/services';
import { addWorkerService, type WorkerServiceOptions } from '../src/serving/worker-service.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether what `ref` points to was collected, after a few full collections. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref.deref() === undefined;
}

// A worker registers its micro service anew whenever its model set changes (a pull, a delete, a
// backend that went away and came back) and stops the one before: over a long run that is
// thousands of services, and a stopped one must not stay in memory.
describe('the worker micro service', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  const subjects = new Subjects();
  const options: WorkerServiceOptions = {
    nc: undefined as never,
    subjects,
    kind: 'ollama',
    version: '0.1.0',
    workerId: 'ollama-worker-test',
    statsOf: () => ({}) as never,
    capabilitiesOf: () => [],
    detailsOf: () => ({}),
    aliasOf: () => undefined,
  };

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    nc = await connectNats({ servers: [nats.url] }, { name: 'worker-service-test' });
    options.nc = nc;
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('is released once stopped, while the connection stays open', async () => {
    const register = (models: string[]): Promise<Service> =>
      addWorkerService(options, models, () => () => undefined);
    // In a function of its own, so that no frame of the test still holds a service it stopped.
    const stopped = async (i: number): Promise<WeakRef<Service>> => {
      const service = await register([`model-${i}`, 'kept']);
      await service.stop();
      return new WeakRef(service);
    };
    const running = await register(['kept']);
    const refs: WeakRef<Service>[] = [];
    for (let i = 0; i < 5; i++) refs.push(await stopped(i));
    for (const ref of refs) expect(await collected(ref)).toBe(true);

    // The one still running closes with the connection, as the library makes it.
    expect(running.isStopped).toBe(false);
    await nc.close();
    await running.stopped;
    expect(running.isStopped).toBe(true);
  });
});
