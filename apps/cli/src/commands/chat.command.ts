import { randomUUID } from 'node:crypto';
import {
  chatRequestSchema,
  describeIssues,
  SwitchyardError,
  type ChatRequest,
} from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import { EXIT, UnavailableError, UsageError } from '../cli/cli-errors.js';
import { readStdin } from '../cli/read-stdin.js';
import { parseFleetArgs } from '../fleet/fleet-options.js';
import { missingService, modelNotServed } from '../fleet/missing-service.js';
import { withSession, type NatsSession } from '../fleet/nats-session.js';
import { writeJson, writeNote, writeText } from '../output/write.js';

/** The longest prompt read from stdin. */
const MAX_PROMPT_BYTES = 1024 * 1024;

/**
 * `switchyard chat <model> [prompt…]`: sends one user message (the arguments, or stdin when there
 * are none) over NATS and writes the answer's text to stdout as it streams; `--json` writes every
 * frame as a JSON line instead. It waits as long as the gateway would (`gateway.request_timeout_ms`)
 * unless `--timeout` says otherwise.
 */
export async function chat(args: readonly string[]): Promise<number> {
  const { parsed, options } = parseFleetArgs(
    { name: 'chat', required: ['model'], rest: 'prompt' },
    args,
  );
  const [model, ...words] = parsed.positionals as [string, ...string[]];
  let prompt = words.join(' ');
  if (words.length === 0) {
    if (process.stdin.isTTY) writeNote('type the prompt, then Ctrl-D');
    prompt = (await readStdin(MAX_PROMPT_BYTES, 'the prompt')).trimEnd();
  }
  if (prompt.trim() === '') {
    throw new UsageError('chat needs a prompt: give it after the model, or on stdin');
  }
  return withSession(options.configFile, async (session) => {
    const timeoutMs = options.timeoutMs ?? session.config.gateway.request_timeout_ms;
    const candidate: ChatRequest = {
      id: chatId(),
      model,
      messages: [{ role: 'user', content: prompt }],
      timeout_ms: timeoutMs,
    };
    const valid = chatRequestSchema.safeParse(candidate);
    if (!valid.success) throw new UsageError(`chat: ${describeIssues(valid.error.issues)}`);
    const subject = session.subjects.chat(model);
    let lastText = '';
    for await (const frame of answerStartingOnDemand(session, subject, valid.data)) {
      if (options.json) writeJson(frame);
      else if (frame.type === 'delta' && frame.text !== undefined && frame.text !== '') {
        writeText(frame.text);
        lastText = frame.text;
      }
    }
    if (!options.json && !lastText.endsWith('\n')) writeText('\n');
    return EXIT.ok;
  });
}

/**
 * The answer's frames. A model no worker serves may be one a stopped managed backend lists: as the
 * gateway does, the orchestrator is asked once to start it (`ensure`), and the request goes again.
 * No frame came before the first try failed, so none is written twice.
 */
async function* answerStartingOnDemand(
  session: NatsSession,
  subject: string,
  request: ChatRequest,
): AsyncGenerator<StreamFrame> {
  const notServed = modelNotServed(request.model, subject);
  try {
    yield* session.stream(subject, request, () => notServed);
    return;
  } catch (error) {
    if (error !== notServed || !(await ensured(session, request))) throw error;
  }
  yield* session.stream(subject, Object.assign({}, request, { id: chatId() }), () => notServed);
}

/**
 * Whether the orchestrator made the request's model served: `false` when no orchestrator runs or
 * no managed backend lists the model (the caller's "not served" says more); a start that failed
 * is thrown, as it says why.
 */
async function ensured(session: NatsSession, request: ChatRequest): Promise<boolean> {
  const subject = session.subjects.orchestrator('ensure');
  const ensure = { id: chatId(), model: request.model, timeout_ms: request.timeout_ms };
  try {
    const frames = session.stream(subject, ensure, () =>
      missingService('orchestrator', subject, session.server),
    );
    for await (const frame of frames) {
      // A start names the backend it is starting (heartbeats follow while it does); a model no
      // managed backend lists is an error frame with none.
      if (frame.type === 'start') {
        writeNote(`no worker serves "${request.model}" now: starting backend ${frame.backend}`);
      }
    }
    return true;
  } catch (error) {
    if (error instanceof UnavailableError) return false;
    if (error instanceof SwitchyardError && error.code === 'model_not_found') return false;
    throw error;
  }
}

function chatId(): string {
  return `cli-chat-${randomUUID()}`;
}
