// Connecting to a Temporal server that someone else runs, with a sentence instead of a stack trace.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

const unreachable = (address: string, error: unknown) =>
  new TemporalUnreachableError(
    `Cannot reach the Temporal server at ${address} (${(error as Error).message.split('\n')[0]}). ` +
      'Start it there, or unset TEMPORAL_ADDRESS so `npm start` runs a local dev server.',
    { cause: error },
  );

/** Both connections a process needs: the worker's native one and the client's. */
export async function connectToTemporal(address: string): Promise<{ native: NativeConnection; client: Connection }> {
  let client: Connection;
  try {
    // The client connection fails fast on an unreachable address; the native one would keep retrying.
    client = await Connection.connect({ address, connectTimeout: '5s' });
  } catch (error) {
    throw unreachable(address, error);
  }
  try {
    return { native: await NativeConnection.connect({ address }), client };
  } catch (error) {
    await client.close();
    throw unreachable(address, error);
  }
}
