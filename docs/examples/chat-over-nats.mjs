// Ask a Switchyard fleet for a chat completion over plain NATS, with no Switchyard code:
//
//   node chat-over-nats.mjs [model] [prompt]
//
// NATS_URL (default nats://127.0.0.1:4222) and SWITCHYARD_PREFIX (default switchyard) pick the
// server and subject prefix; IDLE_TIMEOUT_MS (default 30000) is how long it waits without a frame.
// It prints the answer as it streams, then one JSON line with the finish reason and usage, and
// exits 0. Ctrl-C (exit 130), the reader of its output going away (`| head`), a lost frame or a
// silent stream cancel the request upstream.
import { connect } from '@nats-io/transport-node';

const [model = 'llama3.2:latest', prompt = 'Say hello.'] = process.argv.slice(2);
const prefix = process.env.SWITCHYARD_PREFIX ?? 'switchyard';
// A worker sends a frame at least once a second (heartbeats), so a long silence means it is gone.
const IDLE_TIMEOUT_MS = Number(process.env.IDLE_TIMEOUT_MS ?? 30_000);

// The model-name token: letters, digits and "-" stay; any other UTF-16 code unit c becomes
// "_" + 2 hex digits (c < 0x80) or "_u" + 4 hex digits, upper case; "" becomes "_".
function modelToken(name) {
  if (name === '') return '_';
  let token = '';
  for (const char of name.split('')) {
    const unit = char.charCodeAt(0);
    if (/^[A-Za-z0-9-]$/.test(char)) token += char;
    else if (unit < 0x80) token += `_${unit.toString(16).toUpperCase().padStart(2, '0')}`;
    else token += `_u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return token;
}

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const requestId = `example-${Date.now().toString(36)}`;
const inbox = `_INBOX.${requestId}`;
const replies = nc.subscribe(inbox);

let over = false;
const cancel = (reason) => {
  // Once the exchange is over (answered, failed or cancelled) there is nothing left to cancel,
  // and the connection is draining: a publish would throw.
  if (over) return;
  nc.publish(`${prefix}.v1.cancel.${requestId}`, JSON.stringify({ request_id: requestId, reason }));
  replies.unsubscribe();
};
let exitCode = 1;
process.once('SIGINT', () => {
  exitCode = 130;
  cancel('interrupted');
});
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  cancel('the reader of the output went away');
});

nc.publish(
  `${prefix}.v1.chat.${modelToken(model)}`,
  JSON.stringify({ id: requestId, model, messages: [{ role: 'user', content: prompt }] }),
  { reply: inbox },
);

const giveUp = (why) => {
  console.error(`\n${why}: giving up`);
  cancel(why);
};
const silence = () => giveUp(`no frame for ${IDLE_TIMEOUT_MS} ms`);

let expectedSeq = 0;
const idle = setTimeout(silence, IDLE_TIMEOUT_MS);
for await (const message of replies) {
  // With headers on (the default), the server answers a request nobody serves with a 503 status.
  if (message.headers?.code === 503) {
    console.error(`no worker serves ${model}`);
    break;
  }
  const frame = message.json();
  if (frame.seq !== expectedSeq++) {
    // docs/protocol.md#lost-frames says how to ask for it again; this example just gives up.
    giveUp(`frame ${expectedSeq - 1} is missing`);
    break;
  }
  idle.refresh();
  if (frame.type === 'delta' && frame.text) process.stdout.write(frame.text);
  if (frame.type === 'end') {
    process.stdout.write(
      `\n${JSON.stringify({ finish_reason: frame.finish_reason, usage: frame.usage })}\n`,
    );
    exitCode = 0;
    break;
  }
  if (frame.type === 'error') {
    console.error(
      `\n${frame.error.code}: ${frame.error.message} (retryable: ${frame.error.retryable})`,
    );
    break;
  }
}
over = true;
clearTimeout(idle);
await nc.drain();
process.exit(exitCode);
