// The operator CLI (`npm run cli -- <command>`): the same job operations as the status API, from a shell.
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { writeError } from './command.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { describeFailure } from './failures.js';

const CONNECTIONS_HELP = `Connections (environment variables; the defaults are what \`npm start\` runs):
  DATABASE_URL      default postgresql://postgres:postgres@127.0.0.1:54329/auto_scrape
                    (the port follows EMBEDDED_PG_PORT)
  TEMPORAL_ADDRESS  default 127.0.0.1:7233 (the port follows TEMPORAL_DEV_PORT)
  Other settings (TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, INTERVAL_MIN_SECONDS, ...) are read as the
  worker reads them. Without Temporal, status and list answer from the database, and settings, pause,
  resume and re-enable save the change for the health check to deliver.`;

export function buildProgram(): Command {
  const program = new Command('cli')
    .description('Operate the per-user auto-scrape jobs: add users, start, change, pause, run and inspect jobs.')
    .addHelpText('after', `\n${CONNECTIONS_HELP}\n\nEvery command takes --json for scripts.\n\n${EXIT_CODES_HELP}`)
    .showSuggestionAfterError(true)
    // Usage errors end the way every other failure does: one line, then an exit code chosen below.
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${message.trim().replace(/\n+/g, ' ')}\n`) });
  for (const add of COMMANDS) add(program);
  withExitCodesInHelp(program.commands);
  return program;
}

function withExitCodesInHelp(commands: readonly Command[]): void {
  for (const command of commands) {
    command.addHelpText('after', `\n${EXIT_CODES_HELP}`);
    withExitCodesInHelp(command.commands);
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.message) writeError(failure.message);
    return failure.exitCode;
  }
}

// A reader that stops early (`| head`) is not a failure worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

process.exitCode = await main(process.argv);
// Connections are closed by now; should a library still hold the event loop open, do not hang the shell.
setTimeout(() => process.exit(), 2000).unref();
