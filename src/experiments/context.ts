import { isMap, isScalar, isSeq, LineCounter } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { LlmdbenchError } from '../util/errors.ts';

/** Collects every problem found in one experiment file (errors abort, warnings are kept). */
export class ExperimentContext {
  readonly errors: { message: string; line?: number; keyPath?: string }[] = [];
  readonly warnings: string[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }

  where(node: unknown): string {
    const line = this.lineOf(node);
    return line === undefined ? this.file : `${this.file}:${line}`;
  }

  error(node: unknown, keyPath: string, message: string): void {
    this.errors.push({ message, line: this.lineOf(node), keyPath });
  }

  warn(node: unknown, message: string): void {
    this.warnings.push(`${this.where(node)}: ${message}`);
  }

  /** Throw one error carrying every problem found, located at the first. */
  throwIfErrors(): void {
    const [first, ...rest] = this.errors;
    if (!first) return;
    throw new LlmdbenchError('E_EXPERIMENT_INVALID', `experiment file ${this.file}: ${first.message}`, {
      location: { file: this.file, line: first.line, keyPath: first.keyPath },
      details: rest.map((e) => `${this.file}${e.line === undefined ? '' : `:${e.line}`}${e.keyPath ? ` (at ${e.keyPath})` : ''}: ${e.message}`),
      hint: 'see docs/overrides-and-treatments.md for both experiment file formats',
    });
  }
}

export function mapPairs(node: unknown): Pair[] {
  return isMap(node) ? (node as YAMLMap).items : [];
}

export function keyText(pair: Pair): string {
  const k = pair.key as unknown;
  return isScalar(k) ? String(k.value) : String(k);
}

/** The source text of a scalar as written (without quotes), e.g. `1,10` or `0.10`. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

export function getPair(node: unknown, key: string): Pair | undefined {
  return mapPairs(node).find((p) => keyText(p) === key);
}

export function describe(node: unknown): string {
  if (node === null || node === undefined) return 'empty';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'empty' : `the ${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'an alias';
}

export type { YamlNode };
