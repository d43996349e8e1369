// How every command runs: a --json switch, a session opened and closed around the handler, the result
// printed for people or for scripts, and a failure reduced to one stderr line and an exit code.
import type { Command } from 'commander';
import { describeFailure } from './failures.js';
import { Session } from './session.js';

export interface Output {
  /** What --json prints. */
  json: unknown;
  /** What a person sees. */
  text: string;
}

export type Handler<Options> = (session: Session, args: string[], options: Options) => Promise<Output>;

export function writeError(message: string): void {
  process.stderr.write(`error: ${message}\n`);
}

export function runsInSession<Options extends object>(command: Command, handler: Handler<Options>): Command {
  return command.option('--json', 'print the result as JSON, for scripts').action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const { json, ...options } = self.opts<{ json?: boolean }>();
    let session: Session | undefined;
    try {
      session = Session.fromEnvironment();
      const output = await handler(session, self.processedArgs as string[], options as Options);
      process.stdout.write(json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
      for (const note of session.notes) process.stderr.write(`note: ${note}\n`);
    } catch (error) {
      const failure = describeFailure(error, { databaseUrl: session?.databaseUrl, temporalProblem: session?.temporalProblem });
      if (failure.message) writeError(failure.message);
      process.exitCode = failure.exitCode;
    } finally {
      await session?.close();
    }
  });
}
