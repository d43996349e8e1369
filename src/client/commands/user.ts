// `user add`: a new user with settings and sources, and its API token, shown this once.
import type { Command } from 'commander';
import { addUser } from '../../jobs/service.js';
import { runsInSession } from '../command.js';
import { collect, parseKeywords, parseSeconds, parseSource } from '../parse.js';

interface AddOptions {
  interval?: string;
  keywords?: string;
  source?: string[];
  disabled?: boolean;
}

export function addUserCommands(program: Command): void {
  const user = program.command('user').description('manage users (their threat_settings rows and sources)');
  const add = user
    .command('add <userId>')
    .description("add a user with its settings and sources, and print its status-API token (shown once; only a hash is kept). The job starts with `start`, or within 5 minutes through the health check")
    .option('--interval <seconds>', 'seconds between scrapes (default DEFAULT_INTERVAL_SECONDS)')
    .option('--keywords <list>', 'comma-separated keywords to match, e.g. cve,zero-day')
    .option('--source <kind>:<url>', 'a source to scrape, kind rss, atom or html; repeat for more', collect)
    .option('--disabled', 'add the user paused');
  runsInSession<AddOptions>(add, async (session, [userId], options) => {
    const sources = (options.source ?? []).map(parseSource);
    const deps = await session.jobDeps({ temporal: false });
    const { apiToken } = await addUser(deps, {
      userId: userId!,
      ...(options.interval !== undefined && { intervalSeconds: parseSeconds('--interval', options.interval) }),
      ...(options.keywords !== undefined && { keywords: parseKeywords(options.keywords) }),
      sources,
      enabled: !options.disabled,
    });
    const row = await deps.prisma.threatSettings.findUniqueOrThrow({ where: { userId: userId! } });
    const summary = `every ${row.intervalSeconds} s, ${row.enabled ? 'enabled' : 'paused'}, ${sources.length} source(s), keywords: ${row.keywords.join(', ') || 'none'}`;
    return {
      json: { userId, apiToken, intervalSeconds: row.intervalSeconds, enabled: row.enabled, keywords: row.keywords, sources },
      text: [
        `Added ${userId} (${summary}).`,
        `API token (shown only now): ${apiToken}`,
        row.enabled ? `Start its job now with \`npm run cli -- start ${userId}\`; otherwise the health check starts it within 5 minutes.` : 'The user is paused; `resume` starts its job.',
      ].join('\n'),
    };
  });
}
