// The one place that names things the server, the worker and every client must agree on.
// Workflow-safe: no Node built-ins, no I/O, so workflow code may import it.
import { defineSearchAttributeKey } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'auto-scrape';

const WORKFLOW_ID_PREFIX = 'auto-scrape:';

export function autoScrapeWorkflowId(userId: string): string {
  return `${WORKFLOW_ID_PREFIX}${userId}`;
}

export function userIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

export const USER_ID_SEARCH_ATTRIBUTE = defineSearchAttributeKey('AutoScrapeUserId', 'KEYWORD');
export const JOB_STATUS_SEARCH_ATTRIBUTE = defineSearchAttributeKey('AutoScrapeJobStatus', 'KEYWORD');
// The job's settings as the workflow holds them, so the health check finds drift with one visibility
// query per page of users instead of one describe or query per user.
export const INTERVAL_SEARCH_ATTRIBUTE = defineSearchAttributeKey('AutoScrapeIntervalSeconds', 'INT');
export const ENABLED_SEARCH_ATTRIBUTE = defineSearchAttributeKey('AutoScrapeEnabled', 'BOOL');

/** Every custom search attribute this application upserts; the server must have them registered. */
export const SEARCH_ATTRIBUTE_KEYS = [USER_ID_SEARCH_ATTRIBUTE, JOB_STATUS_SEARCH_ATTRIBUTE, INTERVAL_SEARCH_ATTRIBUTE, ENABLED_SEARCH_ATTRIBUTE];

export const AUTO_SCRAPE_WORKFLOW_TYPE = 'autoScrapeWorkflow';
export const HEALTH_CHECK_SCHEDULE_ID = 'auto-scrape-health-check';
