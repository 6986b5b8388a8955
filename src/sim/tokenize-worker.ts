/**
 * Worker-thread body of OffLoopTokenizer (offloop.ts): loads the same
 * tokenizer as the server (loadSimTokenizer with the same arguments) and
 * answers {id, text} with {id, ids} ({id, n} for countOnly).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadSimTokenizer } from './tokenizer.ts';

const port = parentPort;
if (!port) throw new Error('tokenize-worker.ts must run in a worker thread');
const { model, spec, forceDummy } = workerData as { model: string; spec: string | undefined; forceDummy: boolean };
const { tokenizer } = await loadSimTokenizer(model, spec, forceDummy);
// Tokenizing is background work beside the clock loop: when both share one core (the simulator pinned
// to a CPU, a burst's prompt counts), a due token's write must not wait behind a BPE count. Linux nice
// values are per thread, so this lowers only this thread (elsewhere it could lower the whole process).
if (process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {
    // not permitted: keep the default priority
  }
}
port.on('message', (m: { id: number; text: string; addSpecialTokens: boolean; countOnly?: boolean }) => {
  try {
    const special = { addSpecialTokens: m.addSpecialTokens };
    port.postMessage(m.countOnly ? { id: m.id, n: tokenizer.count(m.text, special) } : { id: m.id, ids: tokenizer.encode(m.text, special) });
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ ready: true });
