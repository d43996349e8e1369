// The prebuilt workflow bundle that a production worker loads instead of bundling at start-up, which
// would cost every replica seconds of webpack and need the TypeScript sources in the image.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Its file name in dist/, next to the compiled entry points. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

export async function writeWorkflowBundle(workflowsPath: string, outFile: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
}
