/**
 * The workload an upstream experiment file was written for: its `experiment:` block
 * (`harness:`, `profile:`) or, failing that, the usage comment (`--harness X`, `--workload Y`).
 * Used to say which -l / -w to try when its treatments match nothing in the chosen profile.
 */
import { parse } from 'yaml';

export interface WorkloadHint {
  harness?: string;
  workload?: string;
}

export function workloadHint(text: string): WorkloadHint {
  const out: WorkloadHint = {};
  try {
    const doc = parse(text) as { experiment?: { harness?: unknown; profile?: unknown } } | null;
    if (typeof doc?.experiment?.harness === 'string') out.harness = doc.experiment.harness;
    if (typeof doc?.experiment?.profile === 'string') out.workload = doc.experiment.profile;
  } catch {
    /* the loader reports a broken file */
  }
  const comments = text.split('\n').filter((l) => l.trimStart().startsWith('#')).join('\n');
  out.harness ??= /(?:--harness|\s-l)\s+([\w.-]+)/.exec(comments)?.[1];
  out.workload ??= /(?:--workload|\s-w)\s+([\w.-]+)/.exec(comments)?.[1];
  if (out.harness === undefined) delete out.harness;
  if (out.workload === undefined) delete out.workload;
  return out;
}
