// One long-lived workflow per user: sleeps durably until the next run is due (or a message arrives),
// runs the scrape activity, counts consecutive failures, disables itself at the limit, and mirrors
// every state change into the database. Deterministic: all I/O happens in activities.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobActivities, JobStatusSnapshot, ScrapeRunInput } from '../activities/types.js';
import {
  applySettings,
  idleStatus,
  isActive,
  nextDueAt,
  reEnable,
  recordRunOutcome,
  validateSettingsPatch,
  type JobState,
  type JobStatus,
} from './job-state.js';
import { ENABLED_SEARCH_ATTRIBUTE, INTERVAL_SEARCH_ATTRIBUTE, JOB_STATUS_SEARCH_ATTRIBUTE, USER_ID_SEARCH_ATTRIBUTE } from './keys.js';
import {
  getStateQuery,
  pauseSignal,
  reEnableSignal,
  reEnableUpdate,
  resumeSignal,
  runNowSignal,
  syncSettingsSignal,
  updateSettingsUpdate,
  type AutoScrapeInput,
  type JobView,
} from './messages.js';

export async function autoScrapeWorkflow(input: AutoScrapeInput): Promise<void> {
  const info = workflowInfo();
  const { limits, tuning } = input;

  const { scrapeUser } = proxyActivities<JobActivities>({
    startToCloseTimeout: tuning.scrape.startToCloseMs,
    heartbeatTimeout: tuning.scrape.heartbeatMs,
    retry: {
      maximumAttempts: tuning.scrape.maxAttempts,
      initialInterval: tuning.scrape.initialIntervalMs,
      backoffCoefficient: tuning.scrape.backoffCoefficient,
      maximumInterval: tuning.scrape.maximumIntervalMs,
      nonRetryableErrorTypes: ['InvalidSourceUrl', 'UserNotFound', 'NoEnabledSources'],
    },
  });
  // No attempt limit: while the database is down the status waits; it is never dropped.
  const { mirrorJobStatus } = proxyActivities<JobActivities>({
    startToCloseTimeout: tuning.mirror.startToCloseMs,
    retry: {
      initialInterval: tuning.mirror.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: tuning.mirror.maximumIntervalMs,
    },
  });

  let state: JobState = input.carried ?? {
    userId: input.userId,
    jobInstanceId: info.firstExecutionRunId,
    intervalSeconds: input.settings.intervalSeconds,
    enabled: input.settings.enabled,
    status: 'scheduled',
    lastRunAt: input.lastRunAt,
    consecutiveFailures: 0,
    runCount: 0,
    runNowRequested: false,
  };
  // Bumped by every message that should make the sleeping loop look again.
  let wakeups = 0;

  // --- status writes: each carries the next sequence number, so whichever activity lands last, the row
  // keeps the newest state.
  const nextSeq = () => (state.statusSeq = (state.statusSeq ?? 0) + 1);
  const columnsOf = (s: JobState): JobStatusSnapshot => ({
    userId: s.userId,
    status: s.status,
    lastRunAt: s.lastRunAt,
    nextRunAt: s.nextRunAt,
    consecutiveFailures: s.consecutiveFailures,
    lastError: s.lastError,
    runCount: s.runCount,
    jobInstanceId: s.jobInstanceId,
  });
  // Compares every column columnsOf writes, so a column added there is compared too.
  const sameColumns = (written: JobStatusSnapshot, s: JobState) => {
    const current = columnsOf(s);
    return (Object.keys(current) as (keyof JobStatusSnapshot)[]).every((key) => written[key] === current[key]);
  };

  // --- status mirror: the latest state is written by one activity at a time; while the database is
  // down, newer states replace older ones waiting to be written, so the row ends at the truth.
  let mirrorRequested = 0;
  let mirrorWritten = 0;
  const requestMirror = () => {
    mirrorRequested++;
  };
  const mirrorPump = async () => {
    for (;;) {
      await condition(() => mirrorWritten < mirrorRequested);
      const target = mirrorRequested;
      const sentRuns = state.unrecordedRuns ?? [];
      await mirrorJobStatus({ ...columnsOf(state), seq: nextSeq(), lastRun: state.lastRun, unrecordedRuns: sentRuns });
      if (sentRuns.length) state.unrecordedRuns = (state.unrecordedRuns ?? []).filter((run) => !sentRuns.includes(run));
      mirrorWritten = target;
    }
  };

  // --- search attributes, upserted only when they change, so the Web UI can filter by user and status
  let shownStatus = info.typedSearchAttributes.get(JOB_STATUS_SEARCH_ATTRIBUTE);
  let shownInterval = info.typedSearchAttributes.get(INTERVAL_SEARCH_ATTRIBUTE);
  let shownEnabled = info.typedSearchAttributes.get(ENABLED_SEARCH_ATTRIBUTE);
  if (info.typedSearchAttributes.get(USER_ID_SEARCH_ATTRIBUTE) !== state.userId) {
    upsertSearchAttributes([{ key: USER_ID_SEARCH_ATTRIBUTE, value: state.userId }]);
  }
  const setStatus = (status: JobStatus, mirror = true) => {
    state.status = status;
    const changes: Parameters<typeof upsertSearchAttributes>[0] = [];
    if (status !== shownStatus) {
      changes.push({ key: JOB_STATUS_SEARCH_ATTRIBUTE, value: status });
      shownStatus = status;
    }
    // Added after v1: histories recorded before it carry no settings attributes and must replay as they ran.
    if (patched('settings-search-attributes')) {
      if (state.intervalSeconds !== shownInterval) {
        changes.push({ key: INTERVAL_SEARCH_ATTRIBUTE, value: state.intervalSeconds });
        shownInterval = state.intervalSeconds;
      }
      if (state.enabled !== shownEnabled) {
        changes.push({ key: ENABLED_SEARCH_ATTRIBUTE, value: state.enabled });
        shownEnabled = state.enabled;
      }
    }
    if (changes.length) upsertSearchAttributes(changes);
    if (mirror) requestMirror();
  };

  const view = (): JobView => ({
    ...state,
    historyLength: workflowInfo().historyLength,
    continueAsNewSuggested: workflowInfo().continueAsNewSuggested,
  });
  // Every message that changes the state wakes the sleeping loop and is mirrored.
  const transition = (next: JobState) => {
    state = next;
    wakeups++;
    requestMirror();
  };
  const changeSettings = (patch: Parameters<typeof applySettings>[1]) => transition(applySettings(state, patch));

  setHandler(getStateQuery, view);
  setHandler(syncSettingsSignal, (patch) => {
    // A signal cannot be refused, so an invalid one is logged and dropped rather than applied.
    try {
      changeSettings(validateSettingsPatch(patch, limits));
    } catch (error) {
      log.warn('Ignored invalid settings signal', { userId: state.userId, error: (error as Error).message });
    }
  });
  setHandler(
    updateSettingsUpdate,
    (patch) => {
      changeSettings(patch);
      return view();
    },
    {
      validator: (patch) => {
        try {
          validateSettingsPatch(patch, limits);
        } catch (error) {
          throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidSettings');
        }
      },
    },
  );
  setHandler(pauseSignal, () => changeSettings({ enabled: false }));
  setHandler(resumeSignal, () => changeSettings({ enabled: true }));
  const doReEnable = () => transition(reEnable(state));
  setHandler(reEnableSignal, doReEnable);
  setHandler(reEnableUpdate, () => {
    doReEnable();
    return view();
  });
  setHandler(runNowSignal, () => {
    state.runNowRequested = true;
    wakeups++;
  });

  const continueAsNewDue = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limits.continueAsNewAfterEvents;

  void mirrorPump();
  requestMirror();

  // A successful run's scrape activity already wrote the state that follows it; the mirror is skipped
  // when nothing else could have written since: the mirror was idle when the run started, no message
  // arrived during it, and the next due time is the one the activity wrote.
  let writtenByScrape: { columns: JobStatusSnapshot; mirrorRequested: number } | undefined;
  const alreadyWritten = () => {
    const written = writtenByScrape;
    writtenByScrape = undefined;
    return (
      written !== undefined &&
      written.mirrorRequested === mirrorRequested &&
      !state.unrecordedRuns?.length &&
      sameColumns(written.columns, state)
    );
  };

  for (;;) {
    if (continueAsNewDue()) {
      // Finish what handlers and the mirror have started, then carry the whole state over.
      await condition(() => allHandlersFinished() && mirrorWritten === mirrorRequested);
      await continueAsNew<typeof autoScrapeWorkflow>({ ...input, lastRunAt: state.lastRunAt, carried: state });
    }

    const seen = wakeups;
    if (!isActive(state)) {
      writtenByScrape = undefined;
      state.nextRunAt = undefined;
      setStatus(idleStatus(state));
      await condition(() => wakeups !== seen || continueAsNewDue());
      continue;
    }

    const dueAt = nextDueAt(state, Date.now());
    state.nextRunAt = dueAt;
    setStatus(idleStatus(state), !alreadyWritten());
    const delay = dueAt - Date.now();
    if (delay > 0) {
      const woken = await condition(() => wakeups !== seen || continueAsNewDue(), delay);
      // A message changed something: work the due time out again from the new state.
      if (woken) continue;
    }

    state.runNowRequested = false;
    state.runCount++;
    const run = {
      runKey: `${state.jobInstanceId}:${state.runCount}`,
      runNumber: state.runCount,
      scheduledAt: dueAt,
      startedAt: Date.now(),
    };
    state.nextRunAt = undefined;
    // Added after v2: the scrape activity writes 'running' and the success state itself, two mirror
    // activities fewer per run. Histories recorded before it replay with the mirror writes they made.
    const scrapeWritesStatus = patched('scrape-writes-status');
    setStatus('running', !scrapeWritesStatus);
    let statusWrites: Pick<ScrapeRunInput, 'statusOnStart' | 'statusOnSuccess'> = {};
    if (scrapeWritesStatus) {
      const statusOnStart = { ...columnsOf(state), seq: nextSeq() };
      const seq = nextSeq();
      const succeeded = recordRunOutcome(state, { ...run, outcome: 'success' }, limits.maxConsecutiveFailures);
      const next = { ...succeeded, status: idleStatus(succeeded), nextRunAt: nextDueAt(succeeded, run.startedAt) };
      statusWrites = { statusOnStart, statusOnSuccess: { ...columnsOf(next), seq } };
    }
    const mirrorIdleAtStart = mirrorWritten === mirrorRequested;
    const requestedAtStart = mirrorRequested;
    let outcome: { outcome: 'success' | 'failure'; error?: string };
    try {
      await scrapeUser({ userId: state.userId, ...run, ...statusWrites });
      outcome = { outcome: 'success' };
      if (statusWrites.statusOnSuccess && mirrorIdleAtStart) writtenByScrape = { columns: statusWrites.statusOnSuccess, mirrorRequested: requestedAtStart };
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      outcome = { outcome: 'failure', error: (error.cause ?? error).message };
    }
    state = recordRunOutcome(state, { ...run, ...outcome }, limits.maxConsecutiveFailures);
    if (state.status === 'disabled_due_to_failures') {
      log.warn('Job disabled after consecutive failures', { userId: state.userId, failures: state.consecutiveFailures, lastError: state.lastError });
    }
    // The loop's next turn mirrors the outcome together with the next due time, in one write.
  }
}
