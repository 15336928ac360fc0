// Where the time of a request goes, step by step: the steps each path's processes mark on
// diagnostics channels (see hooks/step-clock-hook.ts), lined up per request.
import { TRACING_CHANNELS } from '@switchyard/nats';
import { RELAY_CHANNELS } from '../relay/relay-shared.js';
import { median } from '../stats.js';

/** The processes of a request's path whose steps are recorded. */
export type StepRole = 'gateway' | 'worker' | 'backend';

/** One recorded event: in which process, on which channel, when (ns, monotonic clock). */
export interface StepEvent {
  role: StepRole;
  channel: string;
  ns: bigint;
}

/** A step of a request: the first event of `channel` in the process `role` (or the last). */
export interface StepDefinition {
  step: string;
  role: StepRole;
  channel: string;
  last?: boolean;
}

const HTTP_START = 'http.server.request.start';
const HTTP_FINISH = 'http.server.response.finish';

/** The backend's part, the same on both paths: undici at the worker, Node's HTTP server at the backend. */
const BACKEND_STEPS: readonly StepDefinition[] = [
  { step: 'backend request sent', role: 'worker', channel: 'undici:client:sendHeaders' },
  { step: 'backend has the request', role: 'backend', channel: HTTP_START },
  { step: 'backend has written the answer', role: 'backend', channel: HTTP_FINISH },
  { step: "worker has the answer's headers", role: 'worker', channel: 'undici:request:headers' },
  { step: 'worker has read the answer', role: 'worker', channel: 'undici:request:trailers' },
];

/** The channels a path marks its own steps on: its request, and its replies, both ways. */
interface PathChannels {
  requestPublish: string;
  requestReceive: string;
  replyPublish: string;
  replyReceive: string;
}

/** The steps of a whole (non-streamed) answer, the same on both paths but for their channels. */
function pathSteps(channels: PathChannels): StepDefinition[] {
  return [
    { step: 'client request at the gateway', role: 'gateway', channel: HTTP_START },
    { step: 'request published', role: 'gateway', channel: channels.requestPublish },
    { step: 'worker has the request', role: 'worker', channel: channels.requestReceive },
    ...BACKEND_STEPS,
    { step: 'first reply frame published', role: 'worker', channel: channels.replyPublish },
    {
      step: 'last reply frame published',
      role: 'worker',
      channel: channels.replyPublish,
      last: true,
    },
    { step: 'gateway has the first frame', role: 'gateway', channel: channels.replyReceive },
    {
      step: 'gateway has the last frame',
      role: 'gateway',
      channel: channels.replyReceive,
      last: true,
    },
    { step: 'response written', role: 'gateway', channel: HTTP_FINISH },
  ];
}

/**
 * Each path's steps, in the order they happen. The relay answers with one message, so its first
 * and last reply frame are the same event.
 */
export const PATH_STEPS = {
  switchyard: pathSteps({
    requestPublish: TRACING_CHANNELS.requestPublish,
    requestReceive: TRACING_CHANNELS.requestReceive,
    replyPublish: TRACING_CHANNELS.framePublish,
    replyReceive: TRACING_CHANNELS.frameReceive,
  }),
  relay: pathSteps(RELAY_CHANNELS),
};

/** Every channel a step of either path is read from: what the step clock subscribes to. */
export function stepChannels(): string[] {
  const all = Object.values(PATH_STEPS).flatMap((steps) => steps.map((step) => step.channel));
  return [...new Set<string>(all)];
}

export interface StepTimeline {
  /** Requests with every step recorded, whose times are below. */
  requests: number;
  /** Requests missing a step (the one the recording stopped in, say), left out. */
  incomplete: number;
  /** Medians over the requests, in µs: since the first step, and since the step before. */
  steps: { step: string; atUs: number; sinceLastUs: number }[];
}

/**
 * Lines the events up per request: each first step (the client's request reaching the gateway)
 * opens a request that lasts until the next one, which holds only at concurrency 1.
 */
export function stepTimeline(
  events: readonly StepEvent[],
  steps: readonly StepDefinition[],
): StepTimeline {
  const [opening] = steps;
  if (opening === undefined) throw new Error('a timeline needs at least one step');
  const matches = (event: StepEvent, step: StepDefinition): boolean =>
    event.role === step.role && event.channel === step.channel;
  const sorted = [...events].sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  const opens = sorted.flatMap((event, index) => (matches(event, opening) ? [index] : []));
  const offsets: number[][] = [];
  let incomplete = 0;
  for (const [i, from] of opens.entries()) {
    const window = sorted.slice(from, opens[i + 1] ?? sorted.length);
    const startNs = (window[0] as StepEvent).ns;
    const times: number[] = [];
    for (const step of steps) {
      const found = step.last
        ? window.findLast((event) => matches(event, step))
        : window.find((event) => matches(event, step));
      if (found === undefined) break;
      times.push(Number(found.ns - startNs) / 1000);
    }
    if (times.length === steps.length) offsets.push(times);
    else incomplete++;
  }
  return {
    requests: offsets.length,
    incomplete,
    steps: steps.map((step, k) => ({
      step: step.step,
      atUs: median(offsets.map((times) => times[k] as number)),
      sinceLastUs:
        k === 0
          ? 0
          : median(offsets.map((times) => (times[k] as number) - (times[k - 1] as number))),
    })),
  };
}
