// Commands that act on one user's job: start, pause, resume, re-enable, run now, stop.
import type { Command } from 'commander';
import { pauseJob, reEnableJob, resumeJob, runJobNow, startJob, stopJob, type Delivery, type JobDeps } from '../../jobs/service.js';
import { runsInSession } from '../command.js';
import { describeDelivery } from '../format.js';

type DeliveringAction = (deps: JobDeps, userId: string) => Promise<{ delivery: Delivery }>;

/** A command whose answer is how the change reached the workflow. */
function deliveringCommand(program: Command, name: string, description: string, act: DeliveringAction, done: string): void {
  runsInSession(program.command(`${name} <userId>`).description(description), async (session, [userId]) => {
    const result = await act(await session.jobDeps({ temporal: true }), userId!);
    return { json: { userId, ...result }, text: `${userId}: ${done}; ${describeDelivery(result.delivery)}.` };
  });
}

export function addStartCommand(program: Command): void {
  runsInSession(
    program.command('start <userId>').description("start the user's job from its database row (a no-op when it already runs)"),
    async (session, [userId]) => {
      const started = await startJob(await session.jobDeps({ temporal: true }), userId!);
      return { json: { userId, ...started }, text: `${userId}: job running as workflow ${started.workflowId} (run ${started.runId}).` };
    },
  );
}

export function addJobControlCommands(program: Command): void {
  deliveringCommand(program, 'pause', 'pause the job: enabled=false in the database, then tell the workflow', pauseJob, 'paused');
  deliveringCommand(program, 'resume', 'resume a paused job (also lifts a failure lock-out), starting it if it is not running', resumeJob, 'resumed');
  deliveringCommand(
    program,
    're-enable',
    'lift the lock-out of a job disabled after repeated failures: its failure count is reset',
    reEnableJob,
    're-enabled',
  );
  deliveringCommand(program, 'run-now', 'scrape now; the cadence continues from this run', runJobNow, 'run requested');

  runsInSession(
    program.command('stop <userId>').description('stop the job for good: enabled=false in the database and the workflow terminated (`resume` starts it again)'),
    async (session, [userId]) => {
      const { wasRunning } = await stopJob(await session.jobDeps({ temporal: true }), userId!);
      return { json: { userId, wasRunning }, text: `${userId}: stopped${wasRunning ? '' : ' (no job was running)'}.` };
    },
  );
}
