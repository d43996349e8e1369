// `health-check`: run a reconcile pass now (the schedule runs one every HEALTH_CHECK_INTERVAL_SECONDS).
import type { Command } from 'commander';
import { JobError } from '../../jobs/errors.js';
import { ensureHealthCheckSchedule } from '../../health/schedule.js';
import { runsInSession } from '../command.js';

const WAIT_MS = 120_000;

export function addHealthCheckCommand(program: Command): void {
  runsInSession<{ wait?: boolean }>(
    program
      .command('health-check')
      .description('run a health-check pass now (creating its schedule if no worker has yet); --wait prints its report')
      .option('--wait', 'wait for the pass to finish and print what it did'),
    async (session, _args, options) => {
      const deps = await session.jobDeps({ temporal: true });
      if (!deps.client) throw new JobError('unavailable', session.temporalProblem ?? 'Temporal is not reachable.');
      const before = (await deps.prisma.healthCheckReport.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }))?.id ?? 0n;
      await ensureHealthCheckSchedule(deps.client, deps.config);
      if (!options.wait) return { json: { triggered: true }, text: 'Health check triggered; its report appears in `GET /overview` and `health_check_reports`.' };
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const report = await deps.prisma.healthCheckReport.findFirst({ where: { id: { gt: before }, finishedAt: { not: null } }, orderBy: { id: 'desc' } });
        if (report) {
          const json = { ...report, id: report.id.toString() };
          return {
            json,
            text: `Health check: ${report.checked} checked, ${report.started} started, ${report.resynced} resynced, ${report.stopped} stopped, ${report.errorCount} errors.`,
          };
        }
        if (Date.now() > deadline) throw new JobError('unavailable', 'The health check did not finish within 2 minutes: is a worker running on the task queue?');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
  );
}
