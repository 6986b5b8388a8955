/** nop profile: names the model whose load time is measured; the harness barely reads it. */
import { z } from 'zod';

export const nopSchema = z.strictObject({
  /** Model whose vLLM start-up is analysed. */
  model_name: z.string().min(1),
  /** PVC holding the model cache (Kubernetes only). */
  pvc_name: z.string().optional(),
});
