import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readFileSync, readdirSync } from 'node:fs';
import { startNatsServer, type NatsServer } from '../src/nats-server.js';
import { isProcessRunning, pauseProcess, resumeProcess } from '../src/process-running.js';
import { closeConnection } from '../src/teardown.js';
import { PENDING, settleWithin } from '../src/wait-for.js';

/** The state letter of each of the process's threads, read here rather than by the helper. */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((thread) => {
    const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  });
}

describe('pauseProcess', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let pid: number;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    pid = nats.pid as number;
  });
  afterAll(async () => {
    await closeConnection(nc);
    await nats.stop();
  });

  it('resolves only once every thread has stopped', async () => {
    // `kill` alone returns while a thread may still run (seen here as "RSSSSSSS" right after it).
    for (let round = 0; round < 50; round++) {
      await pauseProcess(pid);
      try {
        expect(threadStates(pid).join('')).toMatch(/^[Tt]+$/);
        expect(isProcessRunning(pid)).toBe(true);
      } finally {
        resumeProcess(pid);
      }
      await nc.flush();
    }
  });

  it('leaves a nats-server silent until it is resumed', async () => {
    await pauseProcess(pid);
    let flushed: Promise<void>;
    try {
      flushed = nc.flush();
      expect(await settleWithin(() => flushed, 300)).toBe(PENDING);
    } finally {
      resumeProcess(pid);
    }
    await expect(flushed).resolves.toBeUndefined();
  });
});
