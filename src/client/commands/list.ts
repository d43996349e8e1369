// `list`: every job from the database, optionally only one status or only the overdue ones.
import { Option, type Command } from 'commander';
import { listJobs, type ListFilter } from '../../jobs/service.js';
import { JOB_STATUSES } from '../../workflows/job-state.js';
import { runsInSession } from '../command.js';
import { formatTime } from '../format.js';
import { parseSeconds } from '../parse.js';
import { renderTable } from '../table.js';

interface ListOptions {
  status?: string;
  overdue?: string | true;
}

/** Errors can be long; the table shows their start and `status` shows them whole. */
const oneLine = (text: string | null) => (text && text.length > 60 ? `${text.slice(0, 59)}…` : text);

export function addListCommand(program: Command): void {
  const command = program
    .command('list')
    .description('list jobs as mirrored in the database (needs no Temporal)')
    .option('--status <status>', `only jobs with this status: ${JOB_STATUSES.join(', ')}`)
    .addOption(new Option('--overdue [seconds]', 'only enabled jobs whose next run is more than this many seconds late (default 0)'));
  runsInSession<ListOptions>(command, async (session, _args, options) => {
    const filter: ListFilter = {
      ...(options.status !== undefined && { status: options.status }),
      ...(options.overdue !== undefined && { overdueBySeconds: options.overdue === true ? 0 : parseSeconds('--overdue', options.overdue) }),
    };
    const jobs = await listJobs(await session.jobDeps({ temporal: false }), filter);
    const text = jobs.length
      ? renderTable(
          ['user', 'status', 'enabled', 'interval s', 'last run', 'next run', 'failures', 'runs', 'last error'],
          jobs.map((j) => [j.userId, j.jobStatus, j.enabled, j.intervalSeconds, formatTime(j.lastRunAt), formatTime(j.nextRunAt), j.consecutiveFailures, j.runCount, oneLine(j.lastError)]),
        )
      : 'No jobs match.';
    return { json: jobs, text };
  });
}
