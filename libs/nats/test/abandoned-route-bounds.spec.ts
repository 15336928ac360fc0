import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeMessage, type ReplyFrame } from '@switchyard/contracts';
import {
  type NatsServer,
  SCHEDULING_SLACK_MS,
  sleep,
  startNatsServer,
  waitFor,
} from '@switchyard/testing';
import { connectNats, type NatsConnection } from '../src/index.js';
import {
  CANCEL_RESEND_INTERVAL_MS,
  MAX_ABANDONED_ROUTES,
  type AbandonLimits,
} from '../src/client/abandoned-routes.js';
import { ReplyInbox, type ReplyRoute } from '../src/client/reply-inbox.js';

/** A stream that takes no notice of what its route tells it. */
const IGNORED = { onReply: () => undefined, onReconnect: () => undefined };

const delta: ReplyFrame = { type: 'delta', seq: 5, text: 'still generating' };
const heartbeat: ReplyFrame = { type: 'heartbeat', seq: 6 };
const end: ReplyFrame = {
  type: 'end',
  seq: 7,
  finish_reason: 'stop',
  usage: { prompt_tokens: 1, completion_tokens: 1 },
};
const cancelled: ReplyFrame = {
  type: 'error',
  seq: 7,
  error: { code: 'cancelled', message: 'the caller cancelled the request', retryable: false },
};

/** Long enough that no test here sees a route expire or a throttle window close by itself. */
const LONG_MS = 10 * 60_000;

// The inbox keeps the subjects of failed streams to send their cancel again when frames keep
// coming (see lost-cancel.spec.ts); these are its bounds, on a real connection.
describe('abandoned reply routes', () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    nc = await connectNats({ servers: [nats.url] });
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  /** An inbox and a route of it abandoned for `forMs`, counting the cancels it sends again. */
  function abandoned(
    limits: Partial<AbandonLimits>,
    forMs = LONG_MS,
  ): { inbox: ReplyInbox; route: ReplyRoute; resends: () => number } {
    const inbox = new ReplyInbox(nc, limits);
    let resends = 0;
    const unreachable = () => {
      throw new Error('an abandoned route must not reach its stream');
    };
    const route = inbox.open({ onReply: unreachable, onReconnect: unreachable });
    route.abandon(forMs, () => resends++);
    return { inbox, route, resends: () => resends };
  }

  /**
   * Sends frames to `subject` and returns once the inbox has handled them: the server answers a
   * flush only after delivering what the connection published before it, and nats.js runs the
   * subscription's callback as it reads.
   */
  async function deliver(subject: string, ...frames: (ReplyFrame | Uint8Array)[]): Promise<void> {
    for (const frame of frames) {
      nc.publish(subject, frame instanceof Uint8Array ? frame : encodeMessage(frame));
    }
    await nc.flush();
  }

  it('send no second cancel within the interval after the first', async () => {
    // As for the frames already on their way when the cancel went out.
    const { route, resends } = abandoned({ resendIntervalMs: LONG_MS });
    await deliver(route.subject, delta, delta, heartbeat);
    expect(resends()).toBe(0);
  });

  it('send the cancel again for frames that keep coming, once per interval', async () => {
    const { route, resends } = abandoned({});
    await sleep(CANCEL_RESEND_INTERVAL_MS);
    await deliver(route.subject, ...Array.from({ length: 20 }, () => delta));
    expect(resends()).toBe(1);

    await sleep(CANCEL_RESEND_INTERVAL_MS);
    await deliver(route.subject, heartbeat, delta);
    expect(resends()).toBe(2);
  });

  it.each([
    ['end', end],
    ['error', cancelled],
    ['undecodable', new TextEncoder().encode('not a frame')],
  ])('are dropped by a terminal (%s) frame: nothing more is sent', async (_name, terminal) => {
    const { inbox, route, resends } = abandoned({ resendIntervalMs: 0 });
    await deliver(route.subject, delta);
    expect(resends()).toBe(1);

    await deliver(route.subject, terminal);
    expect(inbox.abandonedRoutes).toBe(0);
    await deliver(route.subject, delta, heartbeat);
    expect(resends()).toBe(1);
  });

  it('are dropped when their time is up', async () => {
    const { inbox, route, resends } = abandoned({ resendIntervalMs: 0 }, 100);
    expect(inbox.abandonedRoutes).toBe(1);
    await waitFor(() => inbox.abandonedRoutes === 0, {
      timeoutMs: 100 + SCHEDULING_SLACK_MS,
      description: 'the route to expire',
    });
    await deliver(route.subject, delta);
    expect(resends()).toBe(0);
  });

  it('are kept no longer than the cap, however far off the deadline is', async () => {
    const { inbox } = abandoned({ maxAbandonMs: 100 }, LONG_MS);
    await waitFor(() => inbox.abandonedRoutes === 0, {
      timeoutMs: 100 + SCHEDULING_SLACK_MS,
      description: 'the route to expire',
    });
  });

  it('are not kept at all once the deadline has passed (the worker stops by itself)', async () => {
    const { inbox, route, resends } = abandoned({ resendIntervalMs: 0 }, 0);
    expect(inbox.abandonedRoutes).toBe(0);
    await deliver(route.subject, delta);
    expect(resends()).toBe(0);
  });

  it('are kept up to a maximum, the oldest pushed out first', async () => {
    const inbox = new ReplyInbox(nc, { maxRoutes: 3, resendIntervalMs: 0 });
    const resends = [0, 0, 0, 0];
    const routes = resends.map((_, i) => {
      const route = inbox.open(IGNORED);
      route.abandon(LONG_MS, () => (resends[i] = (resends[i] ?? 0) + 1));
      return route;
    });
    expect(inbox.abandonedRoutes).toBe(3);
    for (const route of routes) await deliver(route.subject, delta);
    expect(resends).toEqual([0, 1, 1, 1]);
  });

  it(`are kept up to ${MAX_ABANDONED_ROUTES} by default, with timers that keep no process alive`, () => {
    const inbox = new ReplyInbox(nc);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    for (let i = 0; i <= MAX_ABANDONED_ROUTES; i++) {
      inbox.open(IGNORED).abandon(LONG_MS, () => undefined);
    }
    expect(inbox.abandonedRoutes).toBe(MAX_ABANDONED_ROUTES);
    // Unref'd timers are not active resources: these never hold the event loop open.
    expect(timers()).toBe(timersBefore);
  });

  it('never start from a route that was closed', async () => {
    const inbox = new ReplyInbox(nc, { resendIntervalMs: 0 });
    let resends = 0;
    const route = inbox.open(IGNORED);
    route.close();
    route.abandon(LONG_MS, () => resends++);
    expect(inbox.abandonedRoutes).toBe(0);
    await deliver(route.subject, delta);
    expect(resends).toBe(0);
  });
});
