import { describe, expect, it } from '@jest/globals';
import {
  INFERENCE_OPERATIONS,
  MANAGEMENT_COMMANDS,
  ORCHESTRATOR_COMMANDS,
  Subjects,
} from '@switchyard/contracts';
import { readNatsConfig } from './support/example-cluster.js';

type Role = 'gateway' | 'worker' | 'discovery' | 'orchestrator' | 'monitor';
type Permissions = Record<'publish' | 'subscribe', string[]>;

/** The allow lists of deploy/nats/permissions/<role>.conf. */
async function permissionsOf(role: Role): Promise<Permissions> {
  const text = (await readNatsConfig(`permissions/${role}.conf`)).replace(/#.*$/gm, '');
  const list = (kind: string): string[] => {
    const block = new RegExp(`${kind}:\\s*\\{\\s*allow:\\s*\\[([^\\]]*)\\]`).exec(text)?.[1];
    if (block === undefined) throw new Error(`permissions/${role}.conf has no ${kind} allow list`);
    return [...block.matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);
  };
  return { publish: list('publish'), subscribe: list('subscribe') };
}

/** NATS subject matching: `*` is one token, `>` one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const allowed = (list: string[], subject: string): boolean =>
  list.some((pattern) => matches(pattern, subject));

const subjects = new Subjects();
const model = 'llama3.2:latest';
const stream = `KV_${subjects.registryBucket}`;
// Discovery's lease bucket sits next to the registry's (apps/discovery `leaseBucket`).
const leaseStream = `KV_${subjects.registryBucket}_lease`;
const inference = INFERENCE_OPERATIONS.flatMap((op) => [
  subjects.inference(op, model),
  subjects.inference(op, model, 'ollama'),
]);
const management = MANAGEMENT_COMMANDS.map((command) => subjects.management('gpu-1', command));
const orchestrator = ORCHESTRATOR_COMMANDS.map((command) => subjects.orchestrator(command));
const inbox = '_INBOX.abc.def';
const registryRead = [
  '$JS.API.INFO',
  `$JS.API.STREAM.INFO.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}.c1.$KV.${subjects.registryBucket}.>`,
  `$JS.API.CONSUMER.DELETE.${stream}.c1`,
  `$JS.API.DIRECT.GET.${stream}.$KV.${subjects.registryBucket}.ollama-1`,
];
const registryWrite = [
  `$KV.${subjects.registryBucket}.ollama-1`,
  `$JS.API.STREAM.CREATE.${stream}`,
  `$JS.API.STREAM.DELETE.${stream}`,
];

/** Every protocol subject, so each permission entry can be traced to one. */
const protocol = [
  ...inference,
  ...management,
  ...orchestrator,
  subjects.cancel('req-1'),
  subjects.resend('req-1'),
  subjects.health('ollama-1'),
  subjects.lifecycle('ollama-1'),
  subjects.discoverySnapshot,
];

// What each role must be able to do and must not, in terms of the subject builders: a renamed or
// restructured subject in `Subjects` fails here instead of in a deployment.
const expectations: Record<Role, { may: Permissions; mayNot: Permissions }> = {
  worker: {
    may: {
      publish: [inbox, ...registryRead],
      subscribe: [
        inbox,
        ...inference,
        ...management,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        '$SRV.PING',
        '$SRV.INFO.ollama-worker',
        '$SRV.STATS.ollama-worker.abc',
      ],
    },
    mayNot: {
      publish: [
        ...inference,
        ...orchestrator,
        subjects.resend('req-1'),
        subjects.health('x'),
        ...registryWrite,
      ],
      subscribe: [...orchestrator, subjects.health('x'), subjects.discoverySnapshot],
    },
  },
  gateway: {
    may: {
      publish: [
        ...inference,
        ...management,
        ...orchestrator,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        subjects.discoverySnapshot,
        '$SRV.INFO',
        ...registryRead,
      ],
      subscribe: [inbox, subjects.health('x'), subjects.lifecycle('x')],
    },
    mayNot: {
      publish: [inbox, subjects.health('x'), subjects.lifecycle('x'), ...registryWrite],
      subscribe: [
        ...inference,
        ...orchestrator,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
      ],
    },
  },
  discovery: {
    may: {
      publish: [
        inbox,
        subjects.health('ollama-1'),
        ...registryRead,
        ...registryWrite,
        `$KV.${subjects.registryBucket}_lease.leader`,
        `$JS.API.STREAM.CREATE.${leaseStream}`,
      ],
      subscribe: [inbox, subjects.discoverySnapshot, subjects.lifecycle('x')],
    },
    mayNot: {
      publish: [...inference, ...orchestrator, subjects.lifecycle('x'), '$JS.API.STREAM.DELETE.X'],
      subscribe: [
        ...inference,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        ...orchestrator,
      ],
    },
  },
  orchestrator: {
    may: {
      publish: [
        inbox,
        subjects.lifecycle('ollama-1'),
        ...management,
        ...registryRead,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        subjects.discoverySnapshot,
        '$SRV.STATS',
      ],
      subscribe: [
        inbox,
        ...orchestrator,
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        subjects.health('x'),
      ],
    },
    mayNot: {
      publish: [...inference, ...orchestrator, subjects.health('x'), ...registryWrite],
      subscribe: [...inference, ...management],
    },
  },
  monitor: {
    may: {
      publish: [
        '$SRV.PING',
        '$SRV.INFO.ollama-worker',
        '$SRV.STATS',
        subjects.discoverySnapshot,
        subjects.orchestrator('status'),
        ...registryRead,
      ],
      subscribe: [inbox, subjects.health('x'), subjects.lifecycle('x')],
    },
    mayNot: {
      publish: [
        inbox,
        ...inference,
        ...management,
        ...orchestrator.filter((subject) => subject !== subjects.orchestrator('status')),
        subjects.cancel('req-1'),
        subjects.resend('req-1'),
        ...registryWrite,
      ],
      subscribe: [...inference, ...management, subjects.cancel('req-1'), ...orchestrator],
    },
  },
};

describe('deploy/nats/permissions', () => {
  describe.each(Object.entries(expectations))('the %s role', (role, { may, mayNot }) => {
    it.each(['publish', 'subscribe'] as const)(
      'may %s what it needs and nothing it must not',
      async (kind) => {
        const list = (await permissionsOf(role as Role))[kind];
        expect(may[kind].filter((subject) => !allowed(list, subject))).toEqual([]);
        expect(mayNot[kind].filter((subject) => allowed(list, subject))).toEqual([]);
      },
    );

    it('names only protocol subjects, the registry buckets, inboxes and $SRV', async () => {
      const { publish, subscribe } = await permissionsOf(role as Role);
      const stray = [...publish, ...subscribe].filter((pattern) => {
        if (pattern.startsWith(`${subjects.root}.`)) {
          return !protocol.some((subject) => matches(pattern, subject));
        }
        if (pattern === '$JS.API.INFO') return false;
        if (pattern.startsWith('$JS.') || pattern.startsWith('$KV.')) {
          return !pattern.includes(subjects.registryBucket);
        }
        return !['_INBOX.>', '$SRV.>'].some(
          (outer) => matches(outer, pattern) || outer === pattern,
        );
      });
      expect(stray).toEqual([]);
    });
  });

  it('matches subjects the way NATS does', () => {
    expect(matches('a.*.c', 'a.b.c')).toBe(true);
    expect(matches('a.>', 'a.b.c')).toBe(true);
    expect(matches('a.>', 'a')).toBe(false);
    expect(matches('a.*', 'a.b.c')).toBe(false);
    expect(matches('a.b', 'a.b.c')).toBe(false);
  });
});
