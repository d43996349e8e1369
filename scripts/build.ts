// `npm run build`: dist/ for production. The TypeScript compiled to JavaScript (the generated Prisma
// client included), then the workflow bundle that dist/worker-main.js loads.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { WORKFLOWS_PATH } from '../src/worker.js';
import { WORKFLOW_BUNDLE_FILE, writeWorkflowBundle } from '../src/temporal/workflow-bundle.js';

const dist = path.join(PROJECT_ROOT, 'dist');
const say = (line: string) => process.stderr.write(`[build] ${line}\n`);

// A file whose source was deleted must not linger and be imported by mistake.
rmSync(dist, { recursive: true, force: true });
say('compiling TypeScript (tsconfig.build.json)...');
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
} catch {
  say('TypeScript did not compile; see the errors above.');
  process.exit(1);
}
say(`bundling the workflows into dist/${WORKFLOW_BUNDLE_FILE}...`);
await writeWorkflowBundle(WORKFLOWS_PATH, path.join(dist, WORKFLOW_BUNDLE_FILE));
say('done');
