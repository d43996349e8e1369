// Turns anything a command throws into one line and an exit code: expected failures never show a stack.
import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { describeDatabaseUrl } from '../db/connection-errors.js';
import { JobError } from '../jobs/errors.js';
import { EXIT, EXIT_FOR_KIND } from './exit-codes.js';

export interface Failure {
  exitCode: number;
  /** Undefined when the message has already been printed (commander's own usage errors). */
  message?: string;
}

const firstLine = (text: string) => text.trim().split('\n')[0]!;

/** Prisma's P1xxx codes are the ones where the database itself could not be used (unreachable, auth, missing). */
function prismaConnectionProblem(error: unknown): string | undefined {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('P1') || typeof message !== 'string') return undefined;
  // Prisma prefixes the reason with a code frame of the call site; the reason is the last line.
  return message.trim().split('\n').at(-1);
}

/** What the session knew when the command failed: where the database is, and why Temporal was not reached. */
export interface FailureContext {
  databaseUrl?: string;
  temporalProblem?: string;
}

export function describeFailure(error: unknown, { databaseUrl, temporalProblem }: FailureContext = {}): Failure {
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.invalid };
  if (error instanceof JobError) {
    // The service only knows that it has no client; the session knows the address and the reason.
    const message = error.kind === 'unavailable' && temporalProblem ? `${temporalProblem}; try again when it is.` : firstLine(error.message);
    return { exitCode: EXIT_FOR_KIND[error.kind], message };
  }
  if (error instanceof ConfigError) return { exitCode: EXIT.invalid, message: firstLine(error.message) };
  if (databaseUrl) {
    const reason = prismaConnectionProblem(error);
    if (reason) {
      const where = describeDatabaseUrl(databaseUrl);
      return { exitCode: EXIT.unavailable, message: `Cannot use the database at ${where}: ${reason.replace(/\.$/, '')}. Is \`npm start\` running? Otherwise set DATABASE_URL.` };
    }
  }
  return { exitCode: EXIT.unexpected, message: firstLine(error instanceof Error ? error.message : String(error)) };
}
