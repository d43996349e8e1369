// `settings`: change a user's interval or enabled flag; the database first, then the workflow.
import { Option, type Command } from 'commander';
import { changeSettings } from '../../jobs/service.js';
import { runsInSession } from '../command.js';
import { describeDelivery } from '../format.js';
import { parseSeconds } from '../parse.js';

interface SettingsOptions {
  interval?: string;
  enable?: boolean;
  disable?: boolean;
}

export function addSettingsCommand(program: Command): void {
  const command = program
    .command('settings <userId>')
    .description("change the user's settings in the database and signal the job, which reschedules at once")
    .option('--interval <seconds>', 'seconds between scrapes (INTERVAL_MIN_SECONDS to INTERVAL_MAX_SECONDS)')
    .addOption(new Option('--enable', 'turn the job on').conflicts('disable'))
    .addOption(new Option('--disable', 'turn the job off (same as pause)'));
  runsInSession<SettingsOptions>(command, async (session, [userId], options) => {
    const patch = {
      ...(options.interval !== undefined && { intervalSeconds: parseSeconds('--interval', options.interval) }),
      ...(options.enable && { enabled: true }),
      ...(options.disable && { enabled: false }),
    };
    const { settings, delivery } = await changeSettings(await session.jobDeps({ temporal: true }), userId!, patch);
    return {
      json: { userId, settings, delivery },
      text: `${userId}: every ${settings.intervalSeconds} s, ${settings.enabled ? 'enabled' : 'paused'}; ${describeDelivery(delivery)}.`,
    };
  });
}
