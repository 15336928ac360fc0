import { z } from 'zod';
import { BACKEND_KINDS, backendKindSchema, type BackendKind } from '../messages/backend-kind.js';
import { backendIdSchema } from '../messages/request-common.js';
import {
  backendModeSchema,
  MAX_LOG_LINES,
  type BackendMode,
} from '../orchestrator/orchestrator-messages.js';
import { DEFAULT_SUBJECT_PREFIX } from '../subjects/subjects.js';

/**
 * The schema of `switchyard.yaml`. Every field has a default where one makes sense, so an empty
 * file is a working single-machine configuration. Every field can be overridden from the
 * environment (see `environment-overrides.ts`). Secrets belong in the environment, not the file.
 */

/** A list given either as a YAML/JSON array or, from the environment, as "a,b,c". */
function listOf<T extends z.ZodType>(item: T, options: { nonEmpty?: boolean } = {}) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part.length > 0)
        : value,
    options.nonEmpty === true ? z.array(item).min(1, 'must list at least one') : z.array(item),
  );
}

/**
 * A NATS server as nats.js dials one: `nats://host:port`, `tls://host:port` or `host:port`. A bare
 * word is refused: nats.js would take it for a host name, and the mistake would show only as a
 * failed DNS lookup when the service connects.
 */
const natsServer = z
  .string()
  .refine(isNatsServer, 'use nats://host:port, tls://host:port or host:port');

/** A NATS server as a URL: one given as `host:port` is a `nats://` one, as nats.js dials it. */
export function natsServerUrl(server: string): URL {
  return new URL(server.includes('://') ? server : `nats://${server}`);
}

function isNatsServer(value: string): boolean {
  try {
    const url = natsServerUrl(value);
    const schemeOrPort = value.includes('://') || url.port !== '';
    return (
      (url.protocol === 'nats:' || url.protocol === 'tls:') && url.hostname !== '' && schemeOrPort
    );
  } catch {
    return false;
  }
}

const milliseconds = z.number().int().positive();

/** `nats.outage_wait_ms`'s default, for clients built without a configuration. */
export const DEFAULT_NATS_OUTAGE_WAIT_MS = 5_000;
/** `gateway.stream_idle_timeout_ms`'s default, for answers written without a configuration. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 30_000;

export const natsConfigSchema = z
  .strictObject({
    servers: listOf(natsServer, { nonEmpty: true }).default(['nats://127.0.0.1:4222']),
    subject_prefix: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
        'use dot-separated tokens of letters, digits, "_" and "-"',
      )
      .default(DEFAULT_SUBJECT_PREFIX),
    /** The connection name shown by the server's monitoring; defaults to the service name. */
    name: z.string().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    token: z.string().optional(),
    /** An nkey seed (starts with `SU`); prefer the environment for it. */
    nkey_seed: z.string().optional(),
    creds_file: z.string().optional(),
    tls: z
      .strictObject({
        ca_file: z.string().optional(),
        cert_file: z.string().optional(),
        key_file: z.string().optional(),
      })
      .optional(),
    /**
     * Try `servers` in random order, which spreads a fleet's clients over a cluster; `false` tries
     * them in the order listed, so a client prefers the first (after a reconnect as well).
     */
    randomize_servers: z.boolean().default(true),
    /** How long to wait before trying again after a lost connection; it retries forever. */
    reconnect_wait_ms: milliseconds.default(1_000),
    /** How long one attempt to connect to a server may take: the first connection and each reconnect. */
    connect_timeout_ms: milliseconds.default(5_000),
    /**
     * How often the client pings its server. With two pings unanswered (two to three intervals) it
     * takes the server for dead and connects again, to another node of a cluster if it has one.
     * nats.js's own two minutes would leave a service on a server that hangs, or whose host left
     * the network without closing the socket, for some six minutes, serving nobody.
     */
    ping_interval_ms: milliseconds.default(10_000),
    /**
     * How long a request waits for a lost connection to come back before it fails with
     * `nats_unavailable`; while the connection has been lost for longer, requests fail at once.
     * Shorter outages (a server restarting, a move to another node of a cluster) cost nothing.
     */
    outage_wait_ms: milliseconds.default(DEFAULT_NATS_OUTAGE_WAIT_MS),
  })
  .superRefine(checkNatsAuth);

/**
 * Settings that make sense only together. Whether the files exist is the reading service's
 * concern (`@switchyard/service`), not this schema's, which the JSON Schema is generated from.
 */
function checkNatsAuth(
  nats: { user?: string; password?: string; token?: string; tls?: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const problem = (path: string[], message: string): void =>
    ctx.addIssue({ code: 'custom', path, input: undefined, message });
  if (nats.password !== undefined && nats.user === undefined) {
    problem(['user'], 'must be set when nats.password is: set both or neither');
  }
  if (nats.token !== undefined && (nats.user !== undefined || nats.password !== undefined)) {
    problem(['token'], 'goes alone: use a token or nats.user and nats.password, not both');
  }
  const tls = nats.tls ?? {};
  if ((tls['cert_file'] === undefined) !== (tls['key_file'] === undefined)) {
    const [missing, set] =
      tls['cert_file'] === undefined ? ['cert_file', 'key_file'] : ['key_file', 'cert_file'];
    problem(
      ['tls', missing],
      `must be set with nats.tls.${set}: set both for a client certificate, or neither`,
    );
  }
}

export const logConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: human-readable on a terminal, JSON otherwise. */
  format: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

export const shutdownConfigSchema = z.strictObject({
  /** How long in-flight work may take to finish after SIGTERM before it is cancelled. */
  grace_ms: milliseconds.default(10_000),
});

export const managedCommandSchema = z.strictObject({
  program: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
});

/**
 * A managed backend without a `command` runs its kind's usual server, which needs something the
 * configuration must say: checked with the rest of it, so that `switchyard up` and every service
 * refuse it at once, before any connection is made.
 */
function checkManagedCommand(
  backend: { mode: BackendMode; kind: BackendKind; command?: unknown; models: readonly string[] },
  ctx: z.RefinementCtx,
): void {
  if (backend.mode !== 'managed' || backend.command !== undefined) return;
  if (backend.kind === 'lmstudio') {
    // `lms server start` hands the server to the LM Studio app and exits at once: there is no
    // process to supervise.
    ctx.addIssue({
      code: 'custom',
      path: ['command'],
      input: undefined,
      message:
        'a managed LM Studio backend needs a `command` that stays in the foreground; ' +
        'use mode "monitored" for an LM Studio app started with `lms server start`',
    });
  } else if (backend.kind === 'vllm' && backend.models.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['models'],
      input: backend.models,
      message: 'a managed vLLM backend needs `models` (its first is served) or a `command`',
    });
  }
}

export const backendConfigSchema = z
  .strictObject({
    id: backendIdSchema,
    kind: backendKindSchema,
    url: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// URL' }),
    /**
     * `managed`: the orchestrator runs the process. `monitored`: something else runs it and
     * Switchyard watches it. `external`: assumed to be running; no process work at all.
     */
    mode: backendModeSchema.default('external'),
    /** Requests sent to this endpoint at once; the default depends on the kind. */
    max_concurrency: z.number().int().positive().max(4096).optional(),
    /** Requests that may wait for a slot; beyond it they fail with `overloaded`. */
    queue_size: z.number().int().nonnegative().max(100_000).default(64),
    /** How long a request may wait in the queue. */
    queue_timeout_ms: milliseconds.default(30_000),
    api_key: z.string().optional(),
    command: managedCommandSchema.optional(),
    /** Models this backend can serve when started, for on-demand starts. */
    models: z.array(z.string()).default([]),
    /** Stop (managed) or unload the model after this long unused; absent means never. */
    idle_ttl_ms: milliseconds.optional(),
  })
  .superRefine(checkManagedCommand);
export type BackendConfig = z.infer<typeof backendConfigSchema>;

/**
 * The browser origins Ollama lets in by default (`OLLAMA_ORIGINS`): pages served from this
 * machine, and the desktop and editor shells that embed web views.
 */
export const DEFAULT_CORS_ORIGINS: readonly string[] = [
  ...['localhost', '127.0.0.1', '0.0.0.0'].flatMap((host) => [
    `http://${host}`,
    `https://${host}`,
    `http://${host}:*`,
    `https://${host}:*`,
  ]),
  'app://*',
  'file://*',
  'tauri://*',
  'vscode-webview://*',
  'vscode-file://*',
];

export const gatewayConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  /** 0 picks a free port (the gateway logs the one it got), for tests and side-by-side runs. */
  port: z.number().int().min(0).max(65_535).default(8484),
  /**
   * Serve clients that are not on loopback even when no API keys are configured. Without keys
   * and without this, only loopback clients are served, whatever `host` is: a gateway bound to
   * 0.0.0.0 (as in a container, for port publishing) is open only when someone asks for it.
   */
  allow_unauthenticated_remote: z.boolean().default(false),
  /**
   * Browser origins that may call the gateway: `*` for any, or patterns where `*` stands for
   * any run of characters. A request from another origin is refused with 403. The default lets
   * in what Ollama lets in: pages on this machine and app, file, Tauri and VS Code web views.
   */
  cors_origins: listOf(z.string().min(1)).default([...DEFAULT_CORS_ORIGINS]),
  /** SHA-256 hashes (hex) of accepted API keys. */
  api_key_hashes: listOf(
    z.string().regex(/^[0-9a-f]{64}$/, 'use the hex SHA-256 of the key'),
  ).default([]),
  admin_key_hashes: listOf(
    z.string().regex(/^[0-9a-f]{64}$/, 'use the hex SHA-256 of the key'),
  ).default([]),
  /**
   * Requests and tokens each caller may use: per API key, or per client address when there are
   * no keys. Requests: a token bucket, `burst` at once (default: a minute's worth), refilled at
   * the per-minute rate; `per_key` sets another request rate for a key, by its SHA-256 hex.
   * Tokens: the prompt and completion tokens the answers report, from a budget of a minute's
   * worth refilled at `tokens_per_minute`; the answer that overspends finishes, the next request
   * is refused until the budget is positive again. Absent: no limit.
   */
  rate_limit: z
    .strictObject({
      requests_per_minute: z.number().int().positive().optional(),
      burst: z.number().int().positive().optional(),
      per_key: z
        .record(
          z.string().regex(/^[0-9a-f]{64}$/, 'use the hex SHA-256 of the key'),
          z.number().int().positive(),
        )
        .default({}),
      tokens_per_minute: z.number().int().positive().optional(),
    })
    .refine(
      (limit) => limit.requests_per_minute !== undefined || limit.tokens_per_minute !== undefined,
      { error: 'set requests_per_minute, tokens_per_minute or both' },
    )
    .optional(),
  /**
   * Caps on what one request may ask for, checked before it is routed (400 naming the field).
   * Prompt tokens are estimated as the characters of the prompt's text divided by 4 (rounded up),
   * cheaply and without a tokenizer. A request without `max_tokens` gets `max_output_tokens`.
   */
  limits: z
    .strictObject({
      /** The most messages one chat request may carry. */
      max_messages: z.number().int().positive().max(10_000).default(1_000),
      /** The most prompt tokens (estimated) one chat or completion request may carry. */
      max_prompt_tokens: z.number().int().positive().optional(),
      /** The most output tokens (`max_tokens`, `num_predict`) one request may ask for. */
      max_output_tokens: z.number().int().positive().optional(),
    })
    .prefault({}),
  body_limit_bytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /**
   * How long a client may take to send its whole request, headers and body: one that sends
   * slower is answered 408 and its connection closed, so a trickled body cannot hold a
   * connection (and its buffered bytes) for ever.
   */
  receive_timeout_ms: milliseconds.default(60_000),
  request_timeout_ms: milliseconds.default(300_000),
  /**
   * The longest silence (no frame; heartbeats count) in an answer before it is given up (a worker
   * that goes silent is asked for its stream sooner: see `first_frame_timeout_ms`); and how long
   * a streamed answer waits on a client that takes none of it before cutting it off.
   */
  stream_idle_timeout_ms: milliseconds.default(DEFAULT_STREAM_IDLE_TIMEOUT_MS),
  /**
   * The longest wait for an answer's first frame, from sending. A worker sends one within a
   * heartbeat interval of taking a request; one silent for longer has hung or died with it, and
   * the request is cancelled and tried again (another replica may take it). Later in an answer,
   * a worker silent for longer than this and `nats.outage_wait_ms` is asked for its stream, and
   * the answer fails when it does not answer within 2 s (it died or hangs). Longer than every
   * `workers.<kind>.heartbeat_interval_ms`.
   */
  first_frame_timeout_ms: milliseconds.default(5_000),
  /** Model names clients may use for other models: `{ "gpt-4o": "llama3.2:latest" }`. */
  aliases: z.record(z.string(), z.string()).default({}),
  /** Models tried in order when a model's backends fail before the first token. */
  fallbacks: z.record(z.string(), z.array(z.string())).default({}),
  retries: z
    .strictObject({
      max_attempts: z.number().int().min(1).max(10).default(3),
      initial_backoff_ms: milliseconds.default(100),
      max_backoff_ms: milliseconds.default(2_000),
    })
    .prefault({}),
});

export const workerConfigSchema = z.strictObject({
  replicas: z.number().int().min(0).max(64).default(1),
  /** How often the worker re-reads which models its backends serve. */
  refresh_interval_ms: milliseconds.default(5_000),
  /** How often a quiet request gets a heartbeat frame. */
  heartbeat_interval_ms: milliseconds.default(1_000),
});

/** The ports where each kind listens unless told otherwise, probed on every `discovery.hosts`. */
export const WELL_KNOWN_PORTS = { ollama: 11_434, lmstudio: 1_234, vllm: 8_000 } as const;

const tcpPort = z.number().int().min(1).max(65_535);

export const discoveryConfigSchema = z
  .strictObject({
    /** How often each endpoint is checked while it answers. */
    interval_ms: milliseconds.default(5_000),
    /** How often each endpoint's model list (and identity) is read again. */
    model_refresh_ms: milliseconds.default(30_000),
    /** Probe Ollama 11434, LM Studio 1234 and vLLM 8000 on `hosts` as well as the configured backends. */
    well_known_ports: z.boolean().default(true),
    /**
     * The port probed for each kind when `well_known_ports` is on, where `switchyard up` also
     * looks for a server (and starts its simulator): set it for a server on a port of its own.
     */
    well_known: z
      .strictObject({
        ollama: tcpPort.default(WELL_KNOWN_PORTS.ollama),
        lmstudio: tcpPort.default(WELL_KNOWN_PORTS.lmstudio),
        vllm: tcpPort.default(WELL_KNOWN_PORTS.vllm),
      })
      .prefault({}),
    hosts: listOf(z.string().min(1)).default(['127.0.0.1']),
    /** The most one probe request may take, connection included. */
    probe_timeout_ms: milliseconds.default(2_000),
    /** The most of a probe answer that is read; a bigger answer fails the check. */
    max_response_bytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
    /** An answer slower than this makes a backend `degraded`. */
    degraded_latency_ms: milliseconds.default(1_000),
    /** The longest pause between checks of an endpoint that keeps failing (backoff cap). */
    max_backoff_ms: milliseconds.default(60_000),
    /** How often every entry is re-published (KV and a heartbeat event) when nothing changes. */
    heartbeat_ms: milliseconds.default(15_000),
    /** A registry entry nobody has confirmed for this long expires. */
    entry_ttl_ms: milliseconds.default(60_000),
    /** How long the active replica's lease lasts without renewal before another replica takes over. */
    lease_ttl_ms: milliseconds.min(100).default(10_000),
    /**
     * Replicas of the registry and lease buckets when discovery creates them (JetStream keeps 1
     * to 5); 3 on a three-node cluster, so the registry outlives a node. Buckets that exist keep
     * their own.
     */
    kv_replicas: z.number().int().min(1).max(5).default(1),
  })
  .refine((discovery) => discovery.heartbeat_ms < discovery.entry_ttl_ms, {
    error: 'heartbeat_ms must be below entry_ttl_ms, or healthy entries expire between heartbeats',
    path: ['heartbeat_ms'],
  });
export type DiscoveryConfig = z.infer<typeof discoveryConfigSchema>;

export const orchestratorConfigSchema = z.strictObject({
  /** `airgapped` refuses every model pull. */
  pull_mode: z.enum(['local-only', 'airgapped']).default('local-only'),
  /** Fleet-wide cap on loaded models; the least recently used idle model is unloaded first. */
  max_loaded_models: z.number().int().positive().optional(),
  /** How long a managed backend may take from spawn to answering its health endpoint. */
  start_timeout_ms: milliseconds.default(120_000),
  /** After SIGTERM, how long a managed backend gets before SIGKILL. */
  stop_grace_ms: milliseconds.default(10_000),
  /** How often a starting backend's health endpoint is polled. */
  ready_poll_ms: milliseconds.default(500),
  /** How often a ready managed or a monitored backend's health endpoint is checked. */
  health_interval_ms: milliseconds.default(5_000),
  /** Failed health checks in a row that make a ready backend `unhealthy`. */
  unhealthy_after: z.number().int().positive().max(100).default(3),
  /** Lines of each managed backend's output kept for `logs`. */
  log_lines: z.number().int().positive().max(MAX_LOG_LINES).default(1_000),
  /** After a crash: of a managed backend, and of a service or nats-server that `switchyard up` runs. */
  restart: z
    .strictObject({
      /** The first restart after a crash waits this long; each further one twice as long. */
      initial_backoff_ms: milliseconds.default(1_000),
      max_backoff_ms: milliseconds.default(30_000),
      /** More crashes than this within `window_ms` make the backend `failed`: no more restarts. */
      max_restarts: z.number().int().nonnegative().max(1_000).default(5),
      window_ms: milliseconds.default(300_000),
    })
    .prefault({}),
  /** How often workers' `$SRV.STATS` are read to learn which models are in use. */
  usage_poll_ms: milliseconds.default(5_000),
  /** How long an `ensure` waits, after the backend is ready, for a worker to serve the model. */
  worker_wait_ms: milliseconds.default(60_000),
});
export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

export const switchyardConfigSchema = z
  .strictObject({
    nats: natsConfigSchema.prefault({}),
    log: logConfigSchema.prefault({}),
    shutdown: shutdownConfigSchema.prefault({}),
    gateway: gatewayConfigSchema.prefault({}),
    backends: z
      .array(backendConfigSchema)
      .default([])
      .superRefine((backends, ctx) => {
        const firstAt = new Map<string, number>();
        backends.forEach(({ id }, index) => {
          const earlier = firstAt.get(id);
          if (earlier === undefined) firstAt.set(id, index);
          else
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              input: id,
              message: `backends[${earlier}] has this id too: backend ids must be unique`,
            });
        });
      }),
    workers: z
      .strictObject({
        ollama: workerConfigSchema.prefault({}),
        lmstudio: workerConfigSchema.prefault({}),
        vllm: workerConfigSchema.prefault({}),
      })
      .prefault({}),
    discovery: discoveryConfigSchema.prefault({}),
    orchestrator: orchestratorConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // A worker's first frame may wait a whole heartbeat interval: a shorter wait fails every
    // request that takes that long to show its first output.
    for (const kind of BACKEND_KINDS) {
      const interval = config.workers[kind].heartbeat_interval_ms;
      if (config.gateway.first_frame_timeout_ms > interval) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['gateway', 'first_frame_timeout_ms'],
        input: config.gateway.first_frame_timeout_ms,
        message: `must be longer than workers.${kind}.heartbeat_interval_ms (${interval}), within which a worker sends its first frame`,
      });
    }
  });

/** The configuration as written (every field optional). */
export type SwitchyardConfigInput = z.input<typeof switchyardConfigSchema>;
/** The configuration after defaults, as services read it. */
export type SwitchyardConfig = z.output<typeof switchyardConfigSchema>;
export type NatsConfig = SwitchyardConfig['nats'];
export type LogConfig = SwitchyardConfig['log'];

/** Paths of fields that hold secrets, for log redaction. */
export const SECRET_CONFIG_PATHS = [
  'nats.password',
  'nats.token',
  'nats.nkey_seed',
  'backends[*].api_key',
] as const;
