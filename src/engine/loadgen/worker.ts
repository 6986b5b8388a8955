/**
 * Worker-thread entry: one Executor (its own undici Pool and event loop),
 * driven by messages from RemoteExecutor in the main thread. Records go back
 * in batches (one message per event-loop turn), health at close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RequestRecord } from '../types.ts';
import { Executor, type ExecutorOptions, type Job } from './executor.ts';
import { ThreadMonitor } from './health.ts';
import type { FromWorker, ToWorker } from './remote-executor.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const opts = workerData as ExecutorOptions;
const monitor = new ThreadMonitor(`worker-${opts.index}`);
let batch: RequestRecord[] = [];
let flushing = false;

const post = (m: FromWorker): void => port.postMessage(m);
const flush = (): void => {
  flushing = false;
  if (batch.length === 0) return;
  const recs = batch;
  batch = [];
  post({ t: 'recs', recs, sent: exec.sent, inFlight: exec.inFlight });
};

const exec = new Executor(opts, {
  onRecord(rec) {
    batch.push(rec);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  },
  onDropped(ids) {
    flush();
    post({ t: 'dropped', ids });
  },
});

post({ t: 'ready' });
const stat = setInterval(() => post({ t: 'stat', sent: exec.sent, inFlight: exec.inFlight }), 250);

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'stage':
      exec.startStage(m.mode, m.slots, m.since);
      break;
    case 'jobs':
      for (const j of m.jobs as Job[]) exec.submit(j);
      break;
    case 'stop':
      exec.stopStage();
      break;
    case 'abort':
      exec.abortInFlight(m.message);
      break;
    case 'close':
      clearInterval(stat);
      flush();
      void exec.close().then(() => {
        flush();
        post({ t: 'closed', health: monitor.report(exec.maxInFlight) });
        port.close();
      });
      break;
  }
});
