import { randomUUID } from 'node:crypto';
import {
  backendKindSchema,
  describeIssues,
  pullCommandSchema,
  pullProgressSchema,
  type PullCommand,
} from '@switchyard/contracts';
import { EXIT, UsageError } from '../cli/cli-errors.js';
import { parseFleetArgs } from '../fleet/fleet-options.js';
import { missingService } from '../fleet/missing-service.js';
import { withSession } from '../fleet/nats-session.js';
import { ProgressPrinter } from '../output/pull-progress.js';
import { writeJson, writeLine } from '../output/write.js';

/** Large models take long to download; `--timeout` shortens or extends it. */
const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/**
 * `switchyard pull <model> [--backend id] [--kind kind] [--insecure]`: has the orchestrator pull
 * a model into a backend (the named one, else the first configured one that can pull) and shows
 * its progress as it comes; `--json` prints each progress object as a JSON line.
 */
export async function pull(args: readonly string[]): Promise<number> {
  const { parsed, options } = parseFleetArgs(
    { name: 'pull', required: ['model'], values: ['--backend', '--kind'], flags: ['--insecure'] },
    args,
  );
  const kind = parsed.value('--kind');
  if (kind !== undefined && !backendKindSchema.safeParse(kind).success) {
    throw new UsageError(`--kind takes ollama, lmstudio or vllm (got "${kind}")`);
  }
  const backend = parsed.value('--backend');
  const command: Omit<PullCommand, 'id'> = {
    model: parsed.positionals[0] as string,
    ...(backend === undefined ? {} : { backend }),
    ...(kind === undefined ? {} : { kind: backendKindSchema.parse(kind) }),
    ...(parsed.flag('--insecure') ? { insecure: true } : {}),
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const request = { id: `cli-pull-${randomUUID()}`, ...command, timeout_ms: timeoutMs };
  const valid = pullCommandSchema.safeParse(request);
  if (!valid.success) throw new UsageError(`pull: ${describeIssues(valid.error.issues)}`);

  return withSession(options.configFile, async (session) => {
    const subject = session.subjects.orchestrator('pull');
    const printer = new ProgressPrinter(process.stdout, !options.json && process.stdout.isTTY);
    let into: string | undefined;
    try {
      for await (const frame of session.stream(subject, valid.data, () =>
        missingService('orchestrator', subject, session.server),
      )) {
        if (frame.type === 'start') into = frame.backend;
        if (frame.type !== 'delta' || frame.progress === undefined) continue;
        const progress = pullProgressSchema.parse(frame.progress);
        if (options.json) writeJson(progress);
        else printer.show(progress);
      }
    } finally {
      printer.finish();
    }
    if (!options.json) writeLine(`pulled ${command.model} into ${into ?? 'the backend'}`);
    return EXIT.ok;
  });
}
