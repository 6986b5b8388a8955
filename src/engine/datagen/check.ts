import type { ProfileIssue } from '../../util/issues.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { closest } from '../../util/suggest.ts';
import type { KeyPath } from './types.ts';

/** Small helpers for per-plugin config validation that collect every problem. */
export class Checker {
  readonly issues: ProfileIssue[] = [];
  constructor(readonly at: KeyPath = []) {}

  error(path: KeyPath, message: string, hint?: string): void {
    this.issues.push({ severity: 'error', path: [...this.at, ...path], message, ...(hint ? { hint } : {}) });
  }

  warn(path: KeyPath, message: string, hint?: string): void {
    this.issues.push({ severity: 'warning', path: [...this.at, ...path], message, ...(hint ? { hint } : {}) });
  }

  /** `cfg` must be a plain object (or absent → {}); returns it. */
  object(v: unknown, path: KeyPath): Record<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.error(path, `must be a mapping, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  number(o: Record<string, unknown>, key: string, opts: { int?: boolean; min?: number; gt?: number; max?: number; required?: boolean } = {}): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (opts.required) this.error([key], 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.error([key], `must be a number, got ${JSON.stringify(v)}`);
      return undefined;
    }
    if (opts.int && !Number.isInteger(v)) this.error([key], `must be an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) this.error([key], `must be >= ${opts.min}, got ${v}`);
    if (opts.gt !== undefined && v <= opts.gt) this.error([key], `must be > ${opts.gt}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) this.error([key], `must be <= ${opts.max}, got ${v}`);
    return v;
  }

  string(o: Record<string, unknown>, key: string, required = false): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.error([key], 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.error([key], `must be a string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  bool(o: Record<string, unknown>, key: string): boolean | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.error([key], `must be true or false, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  /** Warn about keys the plugin does not know. */
  unknownKeys(o: Record<string, unknown>, known: readonly string[], path: KeyPath = []): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k)) continue;
      const near = closest(k, known) ?? (k === 'std' && known.includes('std_dev') ? 'std_dev' : undefined);
      this.warn([...path, k], `unknown key "${k}" (ignored)`, near ? `did you mean "${near}"?` : undefined);
    }
  }
}

/**
 * inference-perf `data` keys that belong to other data types: a source given
 * the whole `data` section ignores them silently (the harness schema reports
 * truly unknown keys).
 */
export const IP_DATA_KEYS = [
  'type', 'path', 'corpus_file_path', 'input_distribution', 'output_distribution', 'shared_prefix', 'multimodal',
  'use_chat_template', 'trace', 'conversation_replay', 'otel_trace_replay', 'weka_trace_replay', 'visionarena',
];

/** Throw one LlmdbenchError listing every error-severity issue (used by `create`). */
export function throwIfErrors(kind: string, issues: readonly ProfileIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0] as ProfileIssue;
  throw new LlmdbenchError('E_DATA_CONFIG', `invalid ${kind} data config: ${first.path.join('.')}: ${first.message}`, {
    location: { keyPath: first.path.join('.') },
    details: errors.slice(1).map((e) => `${e.path.join('.')}: ${e.message}`),
    ...(first.hint ? { hint: first.hint } : {}),
  });
}
