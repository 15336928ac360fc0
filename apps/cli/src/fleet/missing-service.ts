import { UnavailableError } from '../cli/cli-errors.js';

/**
 * The services a command may find missing, and how a person starts each by hand, as
 * docs/operations.md says: its entry point from the repository, or its Docker Compose service.
 * There is no `switchyard-<service>` command: npm puts only `switchyard` on PATH.
 */
const HOW_TO_START = {
  orchestrator:
    'node apps/orchestrator/dist/main.js from the repository (compose service "orchestrator")',
  discovery: 'node apps/discovery/dist/main.js from the repository (compose service "discovery")',
  worker:
    'the worker of each kind of backend: node apps/<kind>-worker/dist/main.js from the ' +
    'repository, <kind> one of ollama, lmstudio, vllm (compose services "ollama-worker", ' +
    '"lmstudio-worker", "vllm-worker")',
} as const;

export type FleetService = keyof typeof HOW_TO_START;

/**
 * Nothing answered on `subject` at the NATS server `server` (`host:port`): names the missing
 * service, how to start it, and the server asked, since a command run without the fleet's
 * configuration asks the default `127.0.0.1:4222`, where another fleet or none may answer.
 */
export function missingService(
  service: FleetService,
  subject: string,
  server: string,
): UnavailableError {
  const who = service === 'worker' ? 'no worker' : `no ${service}`;
  return new UnavailableError(
    `${who} answers on ${subject} at the NATS server ${server}: start the stack with ` +
      `"switchyard up", or run ${HOW_TO_START[service]} with this configuration's NATS settings`,
  );
}

/** The service answered nothing within the timeout: it may be running but stuck or overloaded. */
export function silentService(
  service: FleetService,
  subject: string,
  timeoutMs: number,
  server: string,
): UnavailableError {
  return new UnavailableError(
    `no answer from the ${service} on ${subject} at the NATS server ${server} within ` +
      `${timeoutMs} ms: is it running ` +
      `(switchyard up, or ${HOW_TO_START[service]}) and connected to this NATS server? ` +
      '(--timeout waits longer)',
  );
}

/** A chat found nobody subscribed to the model's subject. */
export function modelNotServed(model: string, subject: string): UnavailableError {
  return new UnavailableError(
    `no worker serves model "${model}" (nobody answers on ${subject}): "switchyard models" lists ` +
      'what the fleet serves now; start the backend that has it (switchyard start BACKEND) and its ' +
      'worker, or the whole stack with "switchyard up"',
  );
}
