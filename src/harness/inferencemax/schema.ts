/**
 * inferencemax profile: the vllm-benchmark flat options plus the script to
 * run (`executable`, e.g. `benchmark_serving.py`), which is required here.
 */
import { z } from 'zod';
import { vllmBenchShape } from '../vllm-benchmark/schema.ts';

export const inferencemaxSchema = z.strictObject({
  ...vllmBenchShape,
  executable: z.string().min(1),
});
