// Signal, update and query definitions shared by the workflow and every client. Names are explicit and
// stable: renaming one would strand messages sent to running workflows.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { JobLimits, JobSettings, JobState, JobTuning, SettingsPatch } from './job-state.js';

/** The settings-sync signal: the health check and the client send it when the database changes. */
export const syncSettingsSignal = defineSignal<[SettingsPatch]>('syncSettings');
/** The same change with an answer: rejected by a validator (never written to history) when invalid. */
export const updateSettingsUpdate = defineUpdate<JobView, [SettingsPatch]>('updateSettings');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Lifts a failure lock-out and resets the failure count. */
export const reEnableSignal = defineSignal('reEnable');
export const reEnableUpdate = defineUpdate<JobView>('reEnable');
export const runNowSignal = defineSignal('runNow');
export const getStateQuery = defineQuery<JobView>('getState');

export interface AutoScrapeInput {
  userId: string;
  settings: JobSettings;
  limits: JobLimits;
  tuning: JobTuning;
  /** Last run known from the database, so a job re-created by the health check keeps its cadence. */
  lastRunAt?: number;
  /** Present only when continuing as new. */
  carried?: JobState;
}

/** What a query returns: the live state plus where the job stands in its history. */
export interface JobView extends JobState {
  historyLength: number;
  continueAsNewSuggested: boolean;
}
