import {
  describeIssues,
  logsAnswerSchema,
  logsCommandSchema,
  MAX_LOG_LINES,
  type LogsCommand,
} from '@switchyard/contracts';
import { parseCount } from '../cli/args.js';
import { EXIT, UsageError } from '../cli/cli-errors.js';
import { parseFleetArgs, QUERY_TIMEOUT_MS } from '../fleet/fleet-options.js';
import { withSession } from '../fleet/nats-session.js';
import { writeJson, writeLine, writeNote } from '../output/write.js';

/**
 * `switchyard logs <backend> [--lines N]`: the last lines a managed backend wrote, oldest first,
 * each as `<time> <stream> <line>`; `--json` prints the orchestrator's answer.
 */
export async function logs(args: readonly string[]): Promise<number> {
  const { parsed, options } = parseFleetArgs(
    { name: 'logs', required: ['backend'], values: ['--lines'] },
    args,
  );
  const lines = parsed.value('--lines');
  const command: LogsCommand = {
    backend: parsed.positionals[0] as string,
    ...(lines === undefined ? {} : { lines: parseCount('--lines', lines, MAX_LOG_LINES) }),
  };
  const valid = logsCommandSchema.safeParse(command);
  if (!valid.success) throw new UsageError(`logs: ${describeIssues(valid.error.issues)}`);
  return withSession(options.configFile, async (session) => {
    const answer = await session.request(
      'orchestrator',
      session.subjects.orchestrator('logs'),
      command,
      logsAnswerSchema,
      options.timeoutMs ?? QUERY_TIMEOUT_MS,
    );
    if (options.json) writeJson(answer);
    else for (const line of answer.lines) writeLine(`${line.at} ${line.stream} ${line.line}`);
    if (answer.lines.length === 0 && !options.json) {
      // Nothing is kept across orchestrator restarts, and a monitored backend's output is not its.
      writeNote(
        `no output from ${command.backend}: the orchestrator keeps only what the backends it ` +
          'started wrote since it started itself',
      );
    }
    // The orchestrator leaves out the oldest lines when the answer would not fit in one message.
    if (answer.omitted_lines !== undefined) {
      writeNote(
        `${answer.omitted_lines} older lines left out to fit the NATS server's max_payload ` +
          '(raise it in the NATS server configuration to see them)',
      );
    }
    return EXIT.ok;
  });
}
