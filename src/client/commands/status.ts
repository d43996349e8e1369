// `status`: one user's job as the workflow sees it (live query), as the database mirrors it, and its
// recent runs. Works without Temporal: the live part is then missing and says why.
import type { Command } from 'commander';
import { JobError } from '../../jobs/errors.js';
import { jobStatus, recentRuns } from '../../jobs/service.js';
import { runsInSession } from '../command.js';
import { formatTime } from '../format.js';
import { renderFields, renderTable } from '../table.js';

interface StatusOptions {
  runs: string;
}

export function addStatusCommand(program: Command): void {
  const command = program
    .command('status <userId>')
    .description("show one user's job: live workflow state, the database row and recent runs")
    .option('--runs <count>', 'how many recent runs to show', '10');
  runsInSession<StatusOptions>(command, async (session, [userId], options) => {
    const runCount = Number(options.runs);
    if (!Number.isInteger(runCount) || runCount < 1 || runCount > 1000) throw new JobError('invalid', `--runs must be a whole number from 1 to 1000, got ${JSON.stringify(options.runs)}.`);
    const deps = await session.jobDeps({ temporal: true });
    const report = await jobStatus(deps, userId!);
    const runs = await recentRuns(deps, userId!, runCount);
    const { settings, stored, live } = report;
    const text = [
      renderFields([
        ['user', report.userId],
        ['settings', `every ${settings.intervalSeconds} s, ${settings.enabled ? 'enabled' : 'paused'}, keywords: ${settings.keywords.join(', ') || 'none'}`],
      ]),
      '',
      'Live (workflow query)',
      live
        ? renderFields([
            ['status', live.status],
            ['interval', `${live.intervalSeconds} s`],
            ['enabled', live.enabled],
            ['last run', formatTime(live.lastRunAt)],
            ['next run', formatTime(live.nextRunAt)],
            ['failures in a row', live.consecutiveFailures],
            ['last error', live.lastError],
            ['runs', live.runCount],
            ['history events', live.historyLength],
          ])
        : `unavailable: ${report.liveError}`,
      '',
      'Database (threat_settings)',
      renderFields([
        ['status', stored.status],
        ['last run', formatTime(stored.lastRunAt)],
        ['next run', formatTime(stored.nextRunAt)],
        ['failures in a row', stored.consecutiveFailures],
        ['last error', stored.lastError],
        ['runs', stored.runCount],
        ['mirrored at', formatTime(stored.updatedAt)],
      ]),
      '',
      'Recent runs (scrape_runs)',
      runs.length
        ? renderTable(
            ['run', 'scheduled', 'started', 'finished', 'outcome', 'attempts', 'items', 'new', 'error'],
            runs.map((r) => [r.runNumber, formatTime(r.scheduledAt), formatTime(r.startedAt), formatTime(r.finishedAt), r.outcome, r.attempts, r.itemsSeen, r.newItems, r.error]),
          )
        : 'none yet',
    ].join('\n');
    return { json: { ...report, recentRuns: runs }, text };
  });
}
