import type { ServiceInfo } from '@switchyard/nats';

/**
 * Each worker's latest `$SRV.INFO` answer. A listing waits only a moment after the last answer it
 * got (workers answer at once), so a worker whose answer a busy machine holds up past that moment
 * would drop out of one listing, and its models would blink out of `/v1/models` and `/api/ps`
 * until the next. A worker that answered within `graceMs` is listed from its latest answer
 * instead; one that has not answered for longer (stopped, or gone with its host) drops out.
 */
export class WorkerSightings {
  private readonly latest = new Map<string, { info: ServiceInfo; at: number }>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** This listing's answers, and the latest of each worker that answered within the grace. */
  update(answers: readonly ServiceInfo[]): ServiceInfo[] {
    const now = this.now();
    for (const info of answers) this.latest.set(info.id, { info, at: now });
    const listed: ServiceInfo[] = [];
    for (const [id, seen] of this.latest) {
      if (now - seen.at > this.graceMs) this.latest.delete(id);
      else listed.push(seen.info);
    }
    return listed;
  }
}
