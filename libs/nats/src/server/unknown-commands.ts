import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeMessage, SwitchyardError } from '@switchyard/contracts';
import type { NatsLogger } from '../logger.js';

export interface UnknownCommandsOptions {
  /** Every command subject of the surface: `<…>.*`, the command its last token. */
  wildcard: string;
  /** The commands served on subjects of their own. */
  known: readonly string[];
  /** Names the surface in the error: `orchestrator`, `management (backend ollama-local)`. */
  what: string;
  /** The known commands' queue group; unknown ones get a group named after it, of their own. */
  queue: string;
  logger: NatsLogger;
}

/**
 * Answers a request for a command that does not exist with one `error` frame (`bad_request`,
 * listing the commands), as a request refused before it is taken is answered. Without it a
 * caller's typo meets "no responders", which reads as "nothing is running". The frame has
 * `error` at its top, so a caller of the plain request/reply commands (`{"error"}`) reads it too.
 */
export function answerUnknownCommands(
  nc: NatsConnection,
  options: UnknownCommandsOptions,
): Subscription {
  const known = new Set(options.known);
  return nc.subscribe(options.wildcard, {
    // One of several replicas answers, but not from the known commands' group: the server would
    // hand their requests to this subscription instead, at random.
    queue: `${options.queue}-unknown`,
    callback: (error, msg) => {
      if (error) return options.logger.error({ err: error }, 'unknown-command subscription failed');
      const command = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
      if (known.has(command) || msg.reply === undefined) return;
      const refusal = new SwitchyardError(
        'bad_request',
        `there is no ${options.what} command "${command}": the commands are ` +
          `${options.known.join(', ')}`,
        { details: { command } },
      );
      try {
        msg.respond(encodeMessage({ type: 'error', seq: 0, error: refusal.toWire() }));
      } catch (failure) {
        options.logger.warn({ err: failure, subject: msg.subject }, 'could not refuse a command');
      }
    },
  });
}
