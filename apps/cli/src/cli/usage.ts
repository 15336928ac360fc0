/** `switchyard help`. The README's CLI section says the same. */
export const USAGE = `Usage: switchyard <command> [options]

Run the stack:
  up [--config FILE] [--sim auto|on|off]
      Run the whole stack on this machine: nats-server (when none answers at the configured
      URL), simulated backends (auto: only when no real backend is found), discovery, the
      orchestrator, the workers and the gateway. Ctrl-C stops everything.
  sim --kind ollama|lmstudio|vllm [--port N] [options]
      Run one simulated backend (switchyard sim --help lists its options).

Operate a running fleet (over NATS, with the services' configuration):
  status                      Every backend: mode, state, pid, restarts, since (orchestrator),
                              health and model count (discovery); and the running workers.
  models                      The models the workers serve now, and their kinds.
  pull <model> [--backend ID] [--kind KIND] [--insecure]
                              Pull a model into a backend (default: the first configured one
                              that can pull), showing progress.
  start <backend>             Start, stop or restart a backend the orchestrator manages; waits
  stop <backend>              for the answer and prints the new status.
  restart <backend>
  logs <backend> [--lines N]  The last lines the backend wrote (default: all the orchestrator keeps).
  chat <model> [prompt...]    Stream the answer to one prompt (from stdin when none is given).

  Each of these takes:
  --config FILE               The configuration file (else SWITCHYARD_CONFIG, else ./switchyard.yaml);
                              SWITCHYARD_* variables override it, as for every service.
  --json                      Machine output: one JSON object (pull: one per progress update;
                              chat: one per frame).
  --timeout DURATION          How long to wait, e.g. 30s, 500ms, 10m (a bare number is seconds).
                              Defaults: 10s for status, models, logs; the orchestrator's stop
                              grace + start timeout + 30s for start, stop, restart; 1h for pull;
                              gateway.request_timeout_ms for chat.

  help                        Show this text (also: any command with --help).

Exit codes:
  0   success
  1   the fleet answered with an error (printed as "error <code>: <message>")
  2   usage error: unknown command or option, missing or malformed argument
  69  NATS cannot be reached (for up: nor started, no nats-server installed), or no service
      answers the command (the message names it)
  78  the configuration is invalid
  130 interrupted (Ctrl-C or SIGTERM); the request in flight was cancelled`;
