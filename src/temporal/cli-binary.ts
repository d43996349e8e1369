// Finds the Temporal CLI (which carries the dev server). Its release binaries cannot be downloaded on
// offline machines, so we build the pinned version from the Go module proxy once and cache it outside
// the checkout, where fresh clones and CI reuse it.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_CLI_VERSION, type Config } from '../config.js';

export class TemporalCliError extends Error {
  override name = 'TemporalCliError';
}

const HOW_TO_INSTALL =
  'Install it with Homebrew (`brew install temporal`) or from the official download (https://temporal.io/download) and set TEMPORAL_CLI_PATH to it, ' +
  'or install Go (https://go.dev/dl/) so this project can build it, or run the stack with `docker compose up`.';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function cachedCliPath(config: Pick<Config, 'TEMPORAL_CLI_CACHE_DIR'>): string {
  return path.join(config.TEMPORAL_CLI_CACHE_DIR, TEMPORAL_CLI_VERSION, 'temporal');
}

/** Returns the binary without building anything, or undefined. */
export function findTemporalCli(config: Pick<Config, 'TEMPORAL_CLI_PATH' | 'TEMPORAL_CLI_CACHE_DIR'>): string | undefined {
  if (config.TEMPORAL_CLI_PATH) {
    if (!isExecutable(config.TEMPORAL_CLI_PATH)) {
      throw new TemporalCliError(`TEMPORAL_CLI_PATH is set to ${config.TEMPORAL_CLI_PATH}, which is not an executable file. ${HOW_TO_INSTALL}`);
    }
    return config.TEMPORAL_CLI_PATH;
  }
  const cached = cachedCliPath(config);
  return isExecutable(cached) ? cached : undefined;
}

function goAvailable(goBinary: string): boolean {
  const probe = spawnSync(goBinary, ['version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Finds the CLI, building it from the Go module proxy when it is not there yet (minutes, the first time).
 * `log` receives progress lines; the Go toolchain's own output goes to stderr.
 */
export async function ensureTemporalCli(
  config: Pick<Config, 'TEMPORAL_CLI_PATH' | 'TEMPORAL_CLI_CACHE_DIR'>,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  goBinary = 'go',
): Promise<string> {
  const found = findTemporalCli(config);
  if (found) return found;
  if (!goAvailable(goBinary)) {
    throw new TemporalCliError(`The Temporal CLI ${TEMPORAL_CLI_VERSION} is not installed and cannot be built here because the Go toolchain (\`${goBinary}\`) was not found. ${HOW_TO_INSTALL}`);
  }
  const target = cachedCliPath(config);
  mkdirSync(path.dirname(target), { recursive: true });
  // Build into a private folder and rename, so an interrupted build never leaves a half-written binary behind.
  const buildDir = mkdtempSync(path.join(path.dirname(target), 'build-'));
  const module = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
  log(`Building the Temporal CLI (${module}) with Go; the first build takes several minutes, later runs reuse ${target}.`);
  const started = Date.now();
  const ticker = setInterval(() => log(`  still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)...`), 30_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(goBinary, ['install', module], {
        env: { ...process.env, GOBIN: buildDir, GOFLAGS: '-mod=mod' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      throw new TemporalCliError(`Building the Temporal CLI failed (\`go install ${module}\` exited with ${code}; its output is above). ${HOW_TO_INSTALL}`);
    }
    renameSync(path.join(buildDir, 'temporal'), target);
    log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
    return target;
  } finally {
    clearInterval(ticker);
    rmSync(buildDir, { recursive: true, force: true });
  }
}
