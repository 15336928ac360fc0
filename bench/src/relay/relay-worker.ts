#!/usr/bin/env node
// The NATS half of the relay: Switchyard's hops (client → HTTP server → NATS → a queue-group
// subscriber → HTTP to the backend, and back) with nothing in them. A request on the subject is
// posted to the backend as it came and answered with one reply, the backend's whole answer; a
// request on the stream subject is answered with each chunk of the backend's body as it is read,
// then an empty message. What the relay costs per request is the least any implementation of the
// design pays in Node on this machine.
import { connect, type Msg } from '@nats-io/transport-node';
import { Agent, request, type Dispatcher } from 'undici';
import {
  RELAY_CHANNELS,
  RELAY_TIMEOUT_MS,
  relayArgs,
  relayStep,
  streamSubject,
} from './relay-shared.js';

const args = relayArgs(process.argv.slice(2), ['nats', 'subject', 'backend']);
const nc = await connect({ servers: args.nats });
const agent = new Agent({
  keepAliveTimeout: 60_000,
  headersTimeout: RELAY_TIMEOUT_MS,
  bodyTimeout: RELAY_TIMEOUT_MS,
  // NATS's default largest message: a longer answer could not be sent back anyway.
  maxResponseSize: 1024 * 1024,
});
const encoder = new TextEncoder();
const END = new Uint8Array(0);

const post = (message: Msg): Promise<Dispatcher.ResponseData> =>
  request(args.backend, {
    method: 'POST',
    body: message.data,
    headers: { 'content-type': 'application/json' },
    dispatcher: agent,
  });

nc.subscribe(args.subject, {
  queue: 'relay',
  callback: (error, message) => {
    if (error) return;
    relayStep(RELAY_CHANNELS.requestReceive);
    post(message)
      .then((answer) => answer.body.bytes())
      .then(
        (bytes) => {
          relayStep(RELAY_CHANNELS.replyPublish);
          return message.respond(bytes);
        },
        (failure: unknown) => message.respond(encoder.encode(String(failure))),
      );
  },
});

nc.subscribe(streamSubject(args.subject), {
  queue: 'relay',
  callback: (error, message) => {
    if (error || !message.reply) return;
    const reply = message.reply;
    void (async () => {
      try {
        const answer = await post(message);
        for await (const chunk of answer.body) nc.publish(reply, chunk);
      } catch (failure) {
        nc.publish(reply, encoder.encode(String(failure)));
      }
      nc.publish(reply, END);
    })();
  },
});
await nc.flush();
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);

process.once('SIGTERM', () => {
  void nc
    .drain()
    .then(() => agent.close())
    .finally(() => process.exit(0));
});
