// The steps of a request through the protocol, as `node:diagnostics_channel` messages.
//
// A tracer (an APM agent, the benchmark's step clock) subscribes by name, the way it does to
// Node's own `http.server.request.start` or undici's `undici:request:headers`, and learns when
// each step happened in this process without any logging. While a channel has no subscriber
// nothing is built or published: the cost on the request path is one property read per step.
import { channel } from 'node:diagnostics_channel';

/** The channel names, for `diagnostics_channel.subscribe`. */
export const TRACING_CHANNELS = {
  /** A caller wrote a request to NATS: {@link RequestPublishMessage}. */
  requestPublish: 'switchyard:request:publish',
  /** A stream server took a request off NATS and decoded it: {@link RequestReceiveMessage}. */
  requestReceive: 'switchyard:request:receive',
  /** A stream server wrote a reply frame to NATS: {@link FramePublishMessage}. */
  framePublish: 'switchyard:frame:publish',
  /** A caller took a reply frame off NATS and decoded it: {@link FrameReceiveMessage}. */
  frameReceive: 'switchyard:frame:receive',
} as const;

export interface RequestPublishMessage {
  subject: string;
  /** The request's `id` (the protocol's, not the HTTP `x-request-id`). */
  requestId: string;
}

export interface RequestReceiveMessage {
  subject: string;
  requestId: string;
  /** The reply inbox its frames go to, as {@link FramePublishMessage} names it. */
  inbox: string;
}

export interface FramePublishMessage {
  inbox: string;
  type: string;
  seq: number;
}

export interface FrameReceiveMessage {
  requestId: string;
  type: string;
  seq: number;
}

const requestPublish = channel(TRACING_CHANNELS.requestPublish);
const requestReceive = channel(TRACING_CHANNELS.requestReceive);
const framePublish = channel(TRACING_CHANNELS.framePublish);
const frameReceive = channel(TRACING_CHANNELS.frameReceive);

export function traceRequestPublish(subject: string, requestId: string): void {
  if (requestPublish.hasSubscribers) {
    requestPublish.publish({ subject, requestId } satisfies RequestPublishMessage);
  }
}

export function traceRequestReceive(subject: string, requestId: string, inbox: string): void {
  if (requestReceive.hasSubscribers) {
    requestReceive.publish({ subject, requestId, inbox } satisfies RequestReceiveMessage);
  }
}

export function traceFramePublish(inbox: string, frame: { type: string; seq: number }): void {
  if (framePublish.hasSubscribers) {
    framePublish.publish({ inbox, type: frame.type, seq: frame.seq } satisfies FramePublishMessage);
  }
}

export function traceFrameReceive(requestId: string, frame: { type: string; seq: number }): void {
  if (frameReceive.hasSubscribers) {
    frameReceive.publish({
      requestId,
      type: frame.type,
      seq: frame.seq,
    } satisfies FrameReceiveMessage);
  }
}
