import { randomUUID } from 'node:crypto';
import { chatRequestSchema, describeIssues, type ChatRequest } from '@switchyard/contracts';
import { EXIT, UsageError } from '../cli/cli-errors.js';
import { readStdin } from '../cli/read-stdin.js';
import { parseFleetArgs } from '../fleet/fleet-options.js';
import { modelNotServed } from '../fleet/missing-service.js';
import { withSession } from '../fleet/nats-session.js';
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
      id: `cli-chat-${randomUUID()}`,
      model,
      messages: [{ role: 'user', content: prompt }],
      timeout_ms: timeoutMs,
    };
    const valid = chatRequestSchema.safeParse(candidate);
    if (!valid.success) throw new UsageError(`chat: ${describeIssues(valid.error.issues)}`);
    const subject = session.subjects.chat(model);
    let lastText = '';
    for await (const frame of session.stream(subject, valid.data, () =>
      modelNotServed(model, subject),
    )) {
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
