// The second half of a large `validate --batch` file, judged in a worker thread (see batch/engine.ts). The CLI bundle
// starts the tsc output of this file, dist/batch/worker.js.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { judgeHalf, type HalfJob } from './engine.js';

if (!isMainThread && parentPort) {
  const port = parentPort;
  judgeHalf(workerData as HalfJob).then(
    (ok) => port.postMessage({ ok }),
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
}
