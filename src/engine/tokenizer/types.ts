/**
 * A tokenizer, shared by the load generator (prompt construction, client token
 * counts) and the simulator (usage counts), so both count the same way.
 * Never called per SSE chunk on the hot path.
 */
export interface Tokenizer {
  /** e.g. the HF model id or the tokenizer.json path it was loaded from. */
  readonly name: string;
  /** True when this is the model's own tokenizer; false for an approximation (counts are approximate). */
  readonly exact: boolean;
  readonly vocabSize: number;
  /** Token ids; `addSpecialTokens` adds BOS etc. as the model's tokenizer would. */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[]): string;
  count(text: string, opts?: { addSpecialTokens?: boolean }): number;
}
