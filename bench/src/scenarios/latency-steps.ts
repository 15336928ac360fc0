import { runLoad } from '../load/load-runner.js';
import type { HttpResult, Target } from '../load/jobs.js';
import type { ManagedChild } from '../proc/managed-child.js';
import { formatDelta, formatNumber } from '../stats.js';
import { recordSteps } from '../steps/step-clock.js';
import {
  PATH_STEPS,
  stepTimeline,
  type StepRole,
  type StepTimeline,
} from '../steps/step-timelines.js';
import { table, type ScenarioContext } from './context.js';

/** The paths whose steps are timed: Switchyard, and the relay beside it for the design's floor. */
export type SteppedPath = keyof typeof PATH_STEPS;

export interface LatencyStepsResult {
  durationSec: number;
  paths: Record<SteppedPath, StepTimeline>;
}

/**
 * Where the added latency at concurrency 1 goes: one run per path, one request at a time, with
 * the step clock on in the path's gateway, worker and backend. Each step's time is a median
 * over the run's requests (not the rounds of the rest of scenario 1).
 */
export async function runLatencySteps(
  ctx: ScenarioContext,
  paths: Record<SteppedPath, { target: Target; processes: Record<StepRole, ManagedChild> }>,
  body: string,
): Promise<LatencyStepsResult> {
  const { durationSec } = ctx.options;
  const timelines: Partial<Record<SteppedPath, StepTimeline>> = {};
  for (const path of Object.keys(PATH_STEPS) as SteppedPath[]) {
    const { target, processes } = paths[path];
    const events = await recordSteps(processes, async () => {
      await runLoad<HttpResult>(
        { kind: 'http', target, body, connections: 1, durationSec },
        durationSec * 1000 + 120_000,
      );
    });
    const timeline = stepTimeline(events, PATH_STEPS[path]);
    timelines[path] = timeline;
    ctx.progress(
      `[1] steps ${path}: ${timeline.requests} requests timed, ${timeline.incomplete} incomplete`,
    );
  }
  return { durationSec, paths: timelines as Record<SteppedPath, StepTimeline> };
}

export function renderLatencySteps(result: LatencyStepsResult): string {
  const { relay, switchyard } = result.paths;
  const cells = (timeline: StepTimeline, step: string): string[] => {
    const at = timeline.steps.findIndex((s) => s.step === step);
    const found = timeline.steps[at];
    if (found === undefined) return ['', ''];
    if (at === 0) return ['0', ''];
    // Two steps read from one event (the relay's only reply is its first and last frame).
    const since = found.sinceLastUs === 0 ? '0' : formatDelta(found.sinceLastUs, '');
    return [formatNumber(found.atUs), since];
  };
  return table(
    ['Step', 'Relay µs', 'Relay, step', 'Switchyard µs', 'Switchyard, step'],
    switchyard.steps.map(({ step }) => [step, ...cells(relay, step), ...cells(switchyard, step)]),
  );
}
