#!/usr/bin/env node
// The NATS half of the relay: Switchyard's hops (client → HTTP server → NATS → a queue-group
// subscriber → HTTP to the backend, and back) with nothing in them. Each request's bytes go to
// the backend as they came, and the backend's answer goes back as one reply. What the relay
// costs per request is the least any implementation of the design pays in Node on this machine.
import { connect } from '@nats-io/transport-node';
import { Agent, request } from 'undici';
import { RELAY_TIMEOUT_MS, relayArgs } from './relay-args.js';

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

nc.subscribe(args.subject, {
  queue: 'relay',
  callback: (error, message) => {
    if (error) return;
    request(args.backend, {
      method: 'POST',
      body: message.data,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
    })
      .then((answer) => answer.body.bytes())
      .then(
        (bytes) => message.respond(bytes),
        (failure: unknown) => message.respond(encoder.encode(String(failure))),
      );
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
