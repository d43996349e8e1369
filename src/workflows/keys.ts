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

/** Every custom search attribute this application upserts; the dev server must have them registered. */
export const SEARCH_ATTRIBUTE_KEYS = [USER_ID_SEARCH_ATTRIBUTE, JOB_STATUS_SEARCH_ATTRIBUTE];
