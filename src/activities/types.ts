// The contract between the workflow and its activities. The workflow imports these as types only.
import type { JobStatus, LastRun } from '../workflows/job-state.js';

export interface ScrapeRunInput {
  userId: string;
  /** Unique per run of a job; a retried attempt updates the same scrape_runs row. */
  runKey: string;
  runNumber: number;
  /** Epoch milliseconds: when the run was due, and when the workflow started it. */
  scheduledAt: number;
  startedAt: number;
}

export interface ScrapeRunResult {
  itemsSeen: number;
  newItems: number;
  sourcesTried: number;
  sourcesFailed: number;
}

export interface JobStatusSnapshot {
  userId: string;
  status: JobStatus;
  lastRunAt?: number;
  nextRunAt?: number;
  consecutiveFailures: number;
  lastError?: string;
  runCount: number;
  lastRun?: LastRun;
}

export interface JobActivities {
  scrapeUser(input: ScrapeRunInput): Promise<ScrapeRunResult>;
  /** Returns false when the user's settings row no longer exists. */
  mirrorJobStatus(snapshot: JobStatusSnapshot): Promise<boolean>;
}
