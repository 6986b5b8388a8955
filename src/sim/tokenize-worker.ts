/**
 * Worker-thread body of OffLoopTokenizer (offloop.ts): loads the same
 * tokenizer as the server (loadSimTokenizer with the same arguments) and
 * answers {id, text} with {id, ids} ({id, n} for countOnly).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSimTokenizer } from './tokenizer.ts';

const port = parentPort;
if (!port) throw new Error('tokenize-worker.ts must run in a worker thread');
const { model, spec, forceDummy } = workerData as { model: string; spec: string | undefined; forceDummy: boolean };
const { tokenizer } = await loadSimTokenizer(model, spec, forceDummy);
port.on('message', (m: { id: number; text: string; addSpecialTokens: boolean; countOnly?: boolean }) => {
  try {
    const special = { addSpecialTokens: m.addSpecialTokens };
    port.postMessage(m.countOnly ? { id: m.id, n: tokenizer.count(m.text, special) } : { id: m.id, ids: tokenizer.encode(m.text, special) });
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ ready: true });
