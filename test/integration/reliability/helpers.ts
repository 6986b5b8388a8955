/** Shared pieces of the fault-injection suite: a small inference-perf profile against the truth server. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A constant-rate profile (per-request JSON on) for the ground-truth server's model. */
export function truthProfile(dir: string, opts: { rate: number; duration: number; timeout?: number; name?: string }): string {
  const file = join(dir, opts.name ?? 'rel_profile.yaml');
  writeFileSync(
    file,
    `load:
  type: constant
  stages:
  - rate: ${opts.rate}
    duration: ${opts.duration}
  request_timeout: ${opts.timeout ?? 20}
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: truth-model
  base_url: http://unused.invalid:1
  ignore_eos: true
tokenizer:
  pretrained_model_name_or_path: meta-llama/Llama-3.2-1B-Instruct
data:
  type: random
  input_distribution: {min: 200, max: 400, mean: 300, std_dev: 50}
  output_distribution: {min: 10, max: 20, mean: 15, std_dev: 2}
report:
  request_lifecycle:
    summary: true
    per_stage: true
    per_request: true
storage:
  local_storage:
    path: /workspace
`,
  );
  return file;
}

/** The first line of the error the CLI printed (`error[E_CODE]: ...`). */
export function errorLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.startsWith('error[')) ?? '';
}
