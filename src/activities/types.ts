// The contract between the workflow and its activities. The workflow imports these as types only.
import type { JobState } from '../workflows/job-state.js';

export interface ScrapeRunInput {
  userId: string;
  /** Unique per run of a job; a retried attempt updates the same scrape_runs row. */
  runKey: string;
  runNumber: number;
  /** Epoch milliseconds: when the run was due, and when the workflow started it. */
  scheduledAt: number;
  startedAt: number;
  /**
   * The job's state to write when an attempt starts and when the run succeeds, so a successful run
   * needs no separate status-mirror activity. Absent in inputs from workflow code older than this.
   */
  statusOnStart?: JobStatusSnapshot;
  statusOnSuccess?: JobStatusSnapshot;
}

export interface ScrapeRunResult {
  itemsSeen: number;
  newItems: number;
  sourcesTried: number;
  sourcesFailed: number;
}

/** What the status mirror writes: the job columns of threat_settings, straight from workflow state. */
export type JobStatusSnapshot = Pick<JobState, 'userId' | 'status' | 'lastRunAt' | 'nextRunAt' | 'consecutiveFailures' | 'lastError' | 'runCount' | 'lastRun' | 'unrecordedRuns'> & {
  /** Write order within one job instance: a write with a lower sequence than the row's is refused. */
  jobInstanceId?: string;
  seq?: number;
};

export interface JobActivities {
  scrapeUser(input: ScrapeRunInput): Promise<ScrapeRunResult>;
  /** Returns false when the user's settings row no longer exists. */
  mirrorJobStatus(snapshot: JobStatusSnapshot): Promise<boolean>;
}
