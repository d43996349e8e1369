// How every long-running entry point (`npm start`, the production worker and API) starts and stops:
// configuration validated first, whatever was started cleaned up in reverse order, a failure reported as
// one sentence, and a signal during start-up undoing what was started instead of being swallowed.
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { describeStartupError } from './startup-errors.js';

export type Cleanup = () => Promise<unknown>;

export interface EntryContext {
  config: Config;
  log: Logger;
  /** Pushed in start order, run in reverse. */
  cleanups: Cleanup[];
}

/** Starts everything, then returns what runs until the process should stop. */
export type StartEntry = (context: EntryContext) => Promise<() => Promise<unknown>>;

export interface EntryOptions {
  /**
   * Installs the Temporal SDK Runtime before anything connects. From then on the Runtime owns
   * SIGINT/SIGTERM: it drains the worker on them (in-flight activities get the grace time) and
   * worker.run() resolves. Entry points without a worker leave it out and wait with untilSignal().
   */
  installRuntime?: (config: Config) => void;
}

export const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function untilSignal(signals = SHUTDOWN_SIGNALS): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of signals) process.removeListener(s, onSignal);
      resolve(signal);
    };
    for (const s of signals) process.once(s, onSignal);
  });
}

/** Narrows optional settings that an entry point cannot do without, failing with a sentence saying why. */
export function requireSettings<K extends keyof Config>(config: Config, keys: K[], why: string): Config & { [P in K]-?: NonNullable<Config[P]> } {
  const missing = keys.filter((key) => config[key] === undefined);
  if (missing.length) throw new ConfigError(`${missing.join(' and ')} must be set: ${why}.`);
  return config as Config & { [P in K]-?: NonNullable<Config[P]> };
}

export async function runEntry(start: StartEntry, options: EntryOptions = {}): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
  const log = createLogger(config.LOG_LEVEL);
  options.installRuntime?.(config);
  const cleanups: Cleanup[] = [];
  // splice: a signal during start-up and the failed start-up may both clean up; each step runs once.
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => log.warn({ err: e }, 'cleanup step failed'));
  };
  // Until the entry is running (a worker is then drained by the SDK), a signal aborts start-up cleanly.
  const abortStartup = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'interrupted during start-up; stopping what was started');
    void cleanUp().finally(() => process.exit(130));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, abortStartup);
  let running: () => Promise<unknown>;
  try {
    running = await start({ config, log, cleanups });
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, abortStartup);
  } catch (error) {
    process.stderr.write(`error: ${describeStartupError(error, config)}\n`);
    await cleanUp();
    return 1;
  }
  try {
    await running();
  } finally {
    log.info('stopped; closing connections');
    await cleanUp();
  }
  return 0;
}

/** Runs an entry point to its exit code; an error escaping it still ends in one line, not a stack trace. */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
