#!/usr/bin/env node
// The HTTP half of the relay (see relay-worker.ts). A POST to `/stream` is answered as the
// backend streams it: each chunk the worker publishes is written as it comes, and an empty
// message ends the answer. Any other POST is one NATS request, answered with the reply's bytes.
// Nothing else: no parsing, no validation, no routing, no logging. It is the floor of
// Switchyard's design, not a gateway.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createInbox } from '@nats-io/transport-node';
import {
  RELAY_CHANNELS,
  RELAY_TIMEOUT_MS,
  relayArgs,
  relayStep,
  streamSubject,
} from './relay-shared.js';

const MAX_BODY_BYTES = 1024 * 1024;

const args = relayArgs(process.argv.slice(2), ['nats', 'subject']);
// nats.js builds an `Error` for every `request` by default, only so that a timeout's stack shows
// where the request was made: some 13 µs per request on Node 20, which the floor must not pay.
const nc = await connect({ servers: args.nats, noAsyncTraces: true });

/** The streamed answers under way, by the last token of their reply subject. */
const streams = new Map<string, ServerResponse>();
const inbox = createInbox();
let nextStream = 0;
// One subscription for every stream's chunks, as Switchyard's gateway has.
nc.subscribe(`${inbox}.*`, {
  callback: (error, message) => {
    if (error) return;
    const id = message.subject.slice(inbox.length + 1);
    const response = streams.get(id);
    if (response === undefined) return;
    if (message.data.length === 0) {
      streams.delete(id);
      response.end();
      return;
    }
    if (!response.headersSent) response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(message.data);
  },
});

function stream(body: Buffer, response: ServerResponse): void {
  const id = String(nextStream++);
  streams.set(id, response);
  // A worker that never answers must not hold the client: the whole answer has this long.
  const timer = setTimeout(() => {
    if (!streams.delete(id)) return;
    if (response.headersSent) response.destroy();
    else response.writeHead(504).end();
  }, RELAY_TIMEOUT_MS);
  response.once('close', () => {
    clearTimeout(timer);
    streams.delete(id);
  });
  nc.publish(streamSubject(args.subject), body, { reply: `${inbox}.${id}` });
}

function whole(body: Buffer, response: ServerResponse): void {
  relayStep(RELAY_CHANNELS.requestPublish);
  nc.request(args.subject, body, { timeout: RELAY_TIMEOUT_MS }).then(
    (reply) => {
      relayStep(RELAY_CHANNELS.replyReceive);
      response.writeHead(200, { 'content-type': 'application/json' }).end(reply.data);
    },
    (error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    },
  );
}

function relay(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      response.writeHead(413).end();
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    if (request.url === '/stream') stream(body, response);
    else whole(body, response);
  });
}

const server = createServer(relay);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` })}\n`,
  );
});

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void nc.drain().finally(() => process.exit(0));
});
