#!/usr/bin/env node
// The HTTP half of the relay (see relay-worker.ts): takes a POST, sends its body as one NATS
// request, answers with the reply's bytes. Nothing else: no parsing, no validation, no routing,
// no logging. It is the floor of Switchyard's design, not a gateway.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from '@nats-io/transport-node';
import { RELAY_TIMEOUT_MS, relayArgs } from './relay-args.js';

const MAX_BODY_BYTES = 1024 * 1024;

const args = relayArgs(process.argv.slice(2), ['nats', 'subject']);
const nc = await connect({ servers: args.nats });

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
    nc.request(args.subject, Buffer.concat(chunks), { timeout: RELAY_TIMEOUT_MS }).then(
      (reply) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(reply.data);
      },
      (error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
      },
    );
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
