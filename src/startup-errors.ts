// What a person sees when start-up fails: one sentence, never a stack trace.
import type { Config } from './config.js';
import { explainConnectionError } from './db/connection-errors.js';

export function describeStartupError(error: unknown, config: Config): string {
  if (config.DATABASE_URL) {
    const explained = explainConnectionError(error, config.DATABASE_URL);
    if (explained) return explained;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
