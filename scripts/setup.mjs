#!/usr/bin/env node
// First of the two commands' steps: installs what is missing and regenerates what is stale, and does
// nothing when all is in place, so `npm start` and `npm test` stay idempotent and quick on a second run.
// Plain JavaScript on purpose: it runs before the TypeScript toolchain is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`[setup] ${line}\n`);
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}); see its output above.`);
    process.exit(1);
  }
}

const installedStamp = path.join(root, 'node_modules', '.package-lock.json');
if (mtime(installedStamp) < Math.max(mtime(path.join(root, 'package.json')), mtime(path.join(root, 'package-lock.json')))) {
  say('installing npm dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Prisma's schema engine is downloaded on first use and cannot be here; `generate` only needs the
// variable to name an existing file, and we name a stub that explains itself if anyone runs it.
const generatedMarker = path.join(root, 'src', 'generated', 'prisma', 'client.ts');
const generatedStamp = path.join(root, 'src', 'generated', '.schema-stamp');
if (mtime(generatedStamp) < mtime(path.join(root, 'prisma', 'schema.prisma')) || !existsSync(generatedMarker)) {
  say('generating the Prisma client...');
  run('npx', ['prisma', 'generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'scripts', 'no-schema-engine.sh'),
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
  mkdirSync(path.dirname(generatedStamp), { recursive: true });
  writeFileSync(generatedStamp, new Date().toISOString());
}
