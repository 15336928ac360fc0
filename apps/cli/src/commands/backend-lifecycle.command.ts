import { randomUUID } from 'node:crypto';
import {
  backendCommandSchema,
  backendStatusSchema,
  describeIssues,
  SwitchyardError,
  type BackendStatus,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import { EXIT, UsageError } from '../cli/cli-errors.js';
import { parseFleetArgs } from '../fleet/fleet-options.js';
import { missingService } from '../fleet/missing-service.js';
import { withSession } from '../fleet/nats-session.js';
import { statusLine } from '../output/fleet-tables.js';
import { writeJson, writeLine } from '../output/write.js';

export type LifecycleCommand = 'start' | 'stop' | 'restart';

/** Room beyond the orchestrator's own limits for NATS and process scheduling. */
const SLACK_MS = 30_000;

/**
 * How long `start`, `stop` and `restart` wait by default: as long as the orchestrator itself may
 * take (a stop's grace period, then a start's readiness limit), plus slack. The same
 * configuration file gives both, so the CLI never gives up before the orchestrator does.
 */
function defaultTimeoutMs(config: SwitchyardConfig): number {
  return config.orchestrator.stop_grace_ms + config.orchestrator.start_timeout_ms + SLACK_MS;
}

/**
 * `switchyard start|stop|restart <backend>`: asks the orchestrator, waits for its answer and
 * prints the backend's new status. Unknown backends are the orchestrator's `not_found`.
 */
export async function backendLifecycle(
  command: LifecycleCommand,
  args: readonly string[],
): Promise<number> {
  const { parsed, options } = parseFleetArgs({ name: command, required: ['backend'] }, args);
  const backend = parsed.positionals[0] as string;
  const valid = backendCommandSchema.shape.backend.safeParse(backend);
  if (!valid.success) {
    throw new UsageError(`backend "${backend}" is invalid: ${describeIssues(valid.error.issues)}`);
  }
  return withSession(options.configFile, async (session) => {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs(session.config);
    const subject = session.subjects.orchestrator(command);
    const request = { id: `cli-${command}-${randomUUID()}`, backend, timeout_ms: timeoutMs };
    let status: BackendStatus | undefined;
    for await (const frame of session.stream(subject, request, () =>
      missingService('orchestrator', subject, session.server),
    )) {
      if (frame.type === 'delta' && frame.result !== undefined) {
        status = backendStatusSchema.parse(frame.result);
      }
    }
    if (status === undefined) {
      throw new SwitchyardError('internal', `the orchestrator's ${command} answer had no status`);
    }
    if (options.json) writeJson(status);
    else writeLine(statusLine(status));
    return EXIT.ok;
  });
}
