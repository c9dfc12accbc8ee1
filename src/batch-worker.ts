// The second half of a large `validate --batch` file, judged in a worker thread (see commands/batch.ts). At the top
// of src/ so that the CLI bundle and the tsc output find it at the same place, dist/batch-worker.js.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { judgeHalf, type HalfJob } from './commands/batch.js';

if (!isMainThread && parentPort) {
  const port = parentPort;
  judgeHalf(workerData as HalfJob).then(
    (ok) => port.postMessage({ ok }),
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
}
