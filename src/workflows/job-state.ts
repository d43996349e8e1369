// The per-user job's state and the pure rules that move it. Workflow-safe (no I/O, no Node built-ins),
// and unit-tested on its own.

export const JOB_STATUSES = ['scheduled', 'running', 'completed', 'failed', 'disabled_due_to_failures', 'paused'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobLimits {
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
  /** Consecutive failed runs after which the job disables itself. */
  maxConsecutiveFailures: number;
  /** History length at which the job continues as new even before the server suggests it. */
  continueAsNewAfterEvents: number;
}

export interface RetryTuning {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
}

export interface MirrorTuning {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  startToCloseMs: number;
}

export interface JobTuning {
  scrape: RetryTuning;
  mirror: MirrorTuning;
}

export interface JobSettings {
  intervalSeconds: number;
  enabled: boolean;
}

/** A settings change; absent fields stay as they are. */
export interface SettingsPatch {
  intervalSeconds?: number;
  enabled?: boolean;
}

export interface LastRun {
  runKey: string;
  runNumber: number;
  scheduledAt: number;
  startedAt: number;
  outcome: 'success' | 'failure';
  error?: string;
}

export interface JobState {
  userId: string;
  /** Stable across continue-as-new: the first run id of this job, so run keys never collide. */
  jobInstanceId: string;
  intervalSeconds: number;
  enabled: boolean;
  status: JobStatus;
  /** Epoch milliseconds. */
  lastRunAt?: number;
  nextRunAt?: number;
  consecutiveFailures: number;
  lastError?: string;
  runCount: number;
  runNowRequested: boolean;
  lastRun?: LastRun;
  /**
   * Failed runs whose scrape_runs row may be missing (the database was down when they ran), kept until
   * the status mirror has written them, so no run is ever absent from the history.
   */
  unrecordedRuns?: LastRun[];
  /** Sequence of the last status write handed to an activity; orders writes that land out of order. */
  statusSeq?: number;
}

/** How many unwritten failed runs a job keeps while the database is unreachable. */
export const MAX_UNRECORDED_RUNS = 100;

export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
}

/** Throws InvalidSettingsError with one sentence when the patch is not acceptable. */
export function validateSettingsPatch(patch: unknown, limits: Pick<JobLimits, 'minIntervalSeconds' | 'maxIntervalSeconds'>): SettingsPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new InvalidSettingsError('Settings must be an object with intervalSeconds and/or enabled.');
  }
  const { intervalSeconds, enabled, ...rest } = patch as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length) throw new InvalidSettingsError(`Unknown setting(s): ${unknownKeys.join(', ')}.`);
  if (intervalSeconds === undefined && enabled === undefined) {
    throw new InvalidSettingsError('Nothing to change: give intervalSeconds and/or enabled.');
  }
  if (intervalSeconds !== undefined) {
    if (typeof intervalSeconds !== 'number' || !Number.isInteger(intervalSeconds)) {
      throw new InvalidSettingsError(`intervalSeconds must be a whole number of seconds, got ${JSON.stringify(intervalSeconds)}.`);
    }
    if (intervalSeconds < limits.minIntervalSeconds || intervalSeconds > limits.maxIntervalSeconds) {
      throw new InvalidSettingsError(
        `intervalSeconds must be between ${limits.minIntervalSeconds} and ${limits.maxIntervalSeconds}, got ${intervalSeconds}.`,
      );
    }
  }
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new InvalidSettingsError(`enabled must be true or false, got ${JSON.stringify(enabled)}.`);
  }
  return { ...(intervalSeconds !== undefined && { intervalSeconds }), ...(enabled !== undefined && { enabled }) };
}

/** When the next run is due: now if asked to run now or never run, else one interval after the last run. */
export function nextDueAt(state: Pick<JobState, 'lastRunAt' | 'intervalSeconds' | 'runNowRequested'>, now: number): number {
  if (state.runNowRequested || state.lastRunAt === undefined) return now;
  return Math.max(now, state.lastRunAt + state.intervalSeconds * 1000);
}

/** Whether the job may scrape at all right now. */
export function isActive(state: Pick<JobState, 'enabled' | 'status'>): boolean {
  return state.enabled && state.status !== 'disabled_due_to_failures';
}

/**
 * Applies a settings change. Turning a paused job back on also clears a failure lock-out: a user who
 * switches the job off and on again means "try again". An unchanged `enabled: true`, as the health check
 * sends every few minutes, does not: only a deliberate re-enable lifts it.
 */
export function applySettings(state: JobState, patch: SettingsPatch): JobState {
  const next = { ...state };
  if (patch.intervalSeconds !== undefined) next.intervalSeconds = patch.intervalSeconds;
  if (patch.enabled !== undefined && patch.enabled !== state.enabled) {
    next.enabled = patch.enabled;
    if (patch.enabled) return reEnable(next);
  }
  return next;
}

/** A user's re-enable: clears the failure count and the lock-out, and makes the job enabled. */
export function reEnable(state: JobState): JobState {
  return {
    ...state,
    enabled: true,
    consecutiveFailures: 0,
    status: state.status === 'disabled_due_to_failures' || state.status === 'paused' ? 'scheduled' : state.status,
  };
}

/** Records the end of a run and decides the job's next status. */
export function recordRunOutcome(state: JobState, run: LastRun, maxConsecutiveFailures: number): JobState {
  const failed = run.outcome === 'failure';
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
  let status: JobStatus = failed ? 'failed' : 'completed';
  if (failed && consecutiveFailures >= maxConsecutiveFailures) status = 'disabled_due_to_failures';
  // A success was recorded by the activity itself; a failure may have been the database's.
  const unrecordedRuns = failed ? [...(state.unrecordedRuns ?? []), run].slice(-MAX_UNRECORDED_RUNS) : state.unrecordedRuns;
  return {
    ...state,
    lastRun: run,
    unrecordedRuns,
    lastRunAt: run.startedAt,
    consecutiveFailures,
    lastError: failed ? run.error : undefined,
    status,
  };
}

/** The status a job shows while it waits. */
export function idleStatus(state: JobState): JobStatus {
  if (!state.enabled) return 'paused';
  if (state.status === 'disabled_due_to_failures') return 'disabled_due_to_failures';
  if (state.lastRun) return state.lastRun.outcome === 'success' ? 'completed' : 'failed';
  return 'scheduled';
}
