import { workerIdOf } from '@switchyard/contracts';
import type { ServiceInfo } from '@switchyard/nats';

/**
 * Each worker's latest `$SRV.INFO` answers. A listing waits only a moment after the last answer it
 * got (workers answer at once), so a worker whose answer a busy machine holds up past that moment
 * would drop out of one listing, and its models would blink out of `/v1/models` and `/api/ps`
 * until the next. A worker that answered within `graceMs` is listed from its latest answers
 * instead; one that has not answered for longer (stopped, or gone with its host) drops out.
 *
 * Workers are told apart by {@link workerIdOf}, not by the micro service's instance id: a
 * worker registers anew whenever its models change, so its previous registration, stopped, would
 * otherwise go on being listed for the grace period, with the models it no longer serves.
 */
export class WorkerSightings {
  private readonly latest = new Map<string, { answers: ServiceInfo[]; at: number }>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** This listing's answers, and the latest of each worker that answered within the grace. */
  update(answers: readonly ServiceInfo[]): ServiceInfo[] {
    const now = this.now();
    const answered = new Map<string, ServiceInfo[]>();
    // A worker caught between two registrations answers from both; while it does, both serve.
    for (const info of answers) {
      const worker = workerIdOf(info);
      const infos = answered.get(worker);
      if (infos === undefined) answered.set(worker, [info]);
      else infos.push(info);
    }
    for (const [worker, infos] of answered) this.latest.set(worker, { answers: infos, at: now });
    const listed: ServiceInfo[] = [];
    for (const [worker, seen] of this.latest) {
      if (now - seen.at > this.graceMs) this.latest.delete(worker);
      else listed.push(...seen.answers);
    }
    return listed;
  }
}
