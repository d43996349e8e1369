// One structured logger for worker, API and client.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'auto-scrape'): Logger {
  return pino({ name, level, base: { service: name } });
}
