/**
 * The per-key code of a record: stores and loads by name, one switch case per key of the table in
 * record-keys.ts. Why by name: V8 keeps objects written by named stores in fast mode with one shape,
 * while 12+ keyed stores (`o[k] = v`) that add keys turn an object into a slow dictionary, and keyed
 * accesses with many names are megamorphic. Why switches: cases on small integer literals compile to
 * one jump table, and these switches are all the per-key code there is (the line parser and the
 * sidecar are driven by the table's kinds). Each case is checked against the table
 * (`satisfies KeyIndex<name>`) and each switch to cover every index (`default: k satisfies never`):
 * a key added to the table does not build until it is handled here.
 */
import type { RequestRecord } from '../types.ts';
import type { KeyIdx, KeyIndex, StoredKey } from './record-keys.ts';

/** A record whose keys take any value (JSON.parse gives whatever the line holds). */
export type AnyRecord = Record<StoredKey, unknown>;

/** Set key k of a reused record (recordSlot: every key already present, so no store changes its shape). */
export function setField(o: AnyRecord, k: KeyIdx, v: unknown): void {
  switch (k) {
    case 0 satisfies KeyIndex<'id'>:
      o.id = v;
      break;
    case 1 satisfies KeyIndex<'stage'>:
      o.stage = v;
      break;
    case 2 satisfies KeyIndex<'worker'>:
      o.worker = v;
      break;
    case 3 satisfies KeyIndex<'api'>:
      o.api = v;
      break;
    case 4 satisfies KeyIndex<'stream'>:
      o.stream = v;
      break;
    case 5 satisfies KeyIndex<'scheduledAtMs'>:
      o.scheduledAtMs = v;
      break;
    case 6 satisfies KeyIndex<'dispatchedAtMs'>:
      o.dispatchedAtMs = v;
      break;
    case 7 satisfies KeyIndex<'sentAtMs'>:
      o.sentAtMs = v;
      break;
    case 8 satisfies KeyIndex<'headersAtMs'>:
      o.headersAtMs = v;
      break;
    case 9 satisfies KeyIndex<'chunkTimesMs'>:
    case 10 satisfies KeyIndex<'chunkTokens'>:
      break; // the reused arrays: filled in place by the caller
    case 11 satisfies KeyIndex<'endAtMs'>:
      o.endAtMs = v;
      break;
    case 12 satisfies KeyIndex<'httpStatus'>:
      o.httpStatus = v;
      break;
    case 13 satisfies KeyIndex<'finishReason'>:
      o.finishReason = v;
      break;
    case 14 satisfies KeyIndex<'promptTokensServer'>:
      o.promptTokensServer = v;
      break;
    case 15 satisfies KeyIndex<'completionTokensServer'>:
      o.completionTokensServer = v;
      break;
    case 16 satisfies KeyIndex<'promptTokensClient'>:
      o.promptTokensClient = v;
      break;
    case 17 satisfies KeyIndex<'completionTokensClient'>:
      o.completionTokensClient = v;
      break;
    case 18 satisfies KeyIndex<'maxTokens'>:
      o.maxTokens = v;
      break;
    case 19 satisfies KeyIndex<'outputText'>:
      o.outputText = v;
      break;
    case 20 satisfies KeyIndex<'error'>:
      o.error = v;
      break;
    case 21 satisfies KeyIndex<'tags'>:
      o.tags = v;
      break;
    case 22 satisfies KeyIndex<'firstChoiceAtMs'>:
      o.firstChoiceAtMs = v;
      break;
    case 23 satisfies KeyIndex<'lastChoiceAtMs'>:
      o.lastChoiceAtMs = v;
      break;
    case 24 satisfies KeyIndex<'choiceEventCount'>:
      o.choiceEventCount = v;
      break;
    case 25 satisfies KeyIndex<'cachedPromptTokensServer'>:
      o.cachedPromptTokensServer = v;
      break;
    case 26 satisfies KeyIndex<'doneSeen'>:
      o.doneSeen = v;
      break;
    case 27 satisfies KeyIndex<'requestBytes'>:
      o.requestBytes = v;
      break;
    case 28 satisfies KeyIndex<'sameReadChunks'>:
      o.sameReadChunks = v;
      break;
    default:
      k satisfies never;
  }
}

/** Add key k to a fresh object (JSON.parse's key order is the order the keys are added in). */
export function addField(o: Partial<AnyRecord>, k: KeyIdx, v: unknown): void {
  switch (k) {
    case 0 satisfies KeyIndex<'id'>:
      o.id = v;
      break;
    case 1 satisfies KeyIndex<'stage'>:
      o.stage = v;
      break;
    case 2 satisfies KeyIndex<'worker'>:
      o.worker = v;
      break;
    case 3 satisfies KeyIndex<'api'>:
      o.api = v;
      break;
    case 4 satisfies KeyIndex<'stream'>:
      o.stream = v;
      break;
    case 5 satisfies KeyIndex<'scheduledAtMs'>:
      o.scheduledAtMs = v;
      break;
    case 6 satisfies KeyIndex<'dispatchedAtMs'>:
      o.dispatchedAtMs = v;
      break;
    case 7 satisfies KeyIndex<'sentAtMs'>:
      o.sentAtMs = v;
      break;
    case 8 satisfies KeyIndex<'headersAtMs'>:
      o.headersAtMs = v;
      break;
    case 9 satisfies KeyIndex<'chunkTimesMs'>:
      o.chunkTimesMs = v;
      break;
    case 10 satisfies KeyIndex<'chunkTokens'>:
      o.chunkTokens = v;
      break;
    case 11 satisfies KeyIndex<'endAtMs'>:
      o.endAtMs = v;
      break;
    case 12 satisfies KeyIndex<'httpStatus'>:
      o.httpStatus = v;
      break;
    case 13 satisfies KeyIndex<'finishReason'>:
      o.finishReason = v;
      break;
    case 14 satisfies KeyIndex<'promptTokensServer'>:
      o.promptTokensServer = v;
      break;
    case 15 satisfies KeyIndex<'completionTokensServer'>:
      o.completionTokensServer = v;
      break;
    case 16 satisfies KeyIndex<'promptTokensClient'>:
      o.promptTokensClient = v;
      break;
    case 17 satisfies KeyIndex<'completionTokensClient'>:
      o.completionTokensClient = v;
      break;
    case 18 satisfies KeyIndex<'maxTokens'>:
      o.maxTokens = v;
      break;
    case 19 satisfies KeyIndex<'outputText'>:
      o.outputText = v;
      break;
    case 20 satisfies KeyIndex<'error'>:
      o.error = v;
      break;
    case 21 satisfies KeyIndex<'tags'>:
      o.tags = v;
      break;
    case 22 satisfies KeyIndex<'firstChoiceAtMs'>:
      o.firstChoiceAtMs = v;
      break;
    case 23 satisfies KeyIndex<'lastChoiceAtMs'>:
      o.lastChoiceAtMs = v;
      break;
    case 24 satisfies KeyIndex<'choiceEventCount'>:
      o.choiceEventCount = v;
      break;
    case 25 satisfies KeyIndex<'cachedPromptTokensServer'>:
      o.cachedPromptTokensServer = v;
      break;
    case 26 satisfies KeyIndex<'doneSeen'>:
      o.doneSeen = v;
      break;
    case 27 satisfies KeyIndex<'requestBytes'>:
      o.requestBytes = v;
      break;
    case 28 satisfies KeyIndex<'sameReadChunks'>:
      o.sameReadChunks = v;
      break;
    default:
      k satisfies never;
  }
}

/** Key k of a record (undefined when it has none). */
export function getField(o: RequestRecord, k: KeyIdx): unknown {
  switch (k) {
    case 0 satisfies KeyIndex<'id'>:
      return o.id;
    case 1 satisfies KeyIndex<'stage'>:
      return o.stage;
    case 2 satisfies KeyIndex<'worker'>:
      return o.worker;
    case 3 satisfies KeyIndex<'api'>:
      return o.api;
    case 4 satisfies KeyIndex<'stream'>:
      return o.stream;
    case 5 satisfies KeyIndex<'scheduledAtMs'>:
      return o.scheduledAtMs;
    case 6 satisfies KeyIndex<'dispatchedAtMs'>:
      return o.dispatchedAtMs;
    case 7 satisfies KeyIndex<'sentAtMs'>:
      return o.sentAtMs;
    case 8 satisfies KeyIndex<'headersAtMs'>:
      return o.headersAtMs;
    case 9 satisfies KeyIndex<'chunkTimesMs'>:
      return o.chunkTimesMs;
    case 10 satisfies KeyIndex<'chunkTokens'>:
      return o.chunkTokens;
    case 11 satisfies KeyIndex<'endAtMs'>:
      return o.endAtMs;
    case 12 satisfies KeyIndex<'httpStatus'>:
      return o.httpStatus;
    case 13 satisfies KeyIndex<'finishReason'>:
      return o.finishReason;
    case 14 satisfies KeyIndex<'promptTokensServer'>:
      return o.promptTokensServer;
    case 15 satisfies KeyIndex<'completionTokensServer'>:
      return o.completionTokensServer;
    case 16 satisfies KeyIndex<'promptTokensClient'>:
      return o.promptTokensClient;
    case 17 satisfies KeyIndex<'completionTokensClient'>:
      return o.completionTokensClient;
    case 18 satisfies KeyIndex<'maxTokens'>:
      return o.maxTokens;
    case 19 satisfies KeyIndex<'outputText'>:
      return o.outputText;
    case 20 satisfies KeyIndex<'error'>:
      return o.error;
    case 21 satisfies KeyIndex<'tags'>:
      return o.tags;
    case 22 satisfies KeyIndex<'firstChoiceAtMs'>:
      return o.firstChoiceAtMs;
    case 23 satisfies KeyIndex<'lastChoiceAtMs'>:
      return o.lastChoiceAtMs;
    case 24 satisfies KeyIndex<'choiceEventCount'>:
      return o.choiceEventCount;
    case 25 satisfies KeyIndex<'cachedPromptTokensServer'>:
      return o.cachedPromptTokensServer;
    case 26 satisfies KeyIndex<'doneSeen'>:
      return o.doneSeen;
    case 27 satisfies KeyIndex<'requestBytes'>:
      return o.requestBytes;
    case 28 satisfies KeyIndex<'sameReadChunks'>:
      return o.sameReadChunks;
    default:
      return k satisfies never;
  }
}
