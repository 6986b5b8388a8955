/**
 * `REPLACE_ENV_*` rendering of workload profile templates (spec §2.5.2), with
 * upstream's token syntax but none of its sed pitfalls:
 *
 * - `REPLACE_ENV_<VAR>` → the value of `<VAR>` (empty counts as unset).
 * - `REPLACE_ENV_<VAR>++++default=<d>` → the value, or `<d>` when unset. Like
 *   upstream, `<d>` ends at the characters upstream splits tokens on
 *   (`-` `:` `.` `/` whitespace), at a quote, or at the end of a flow scalar
 *   (`,` `]` `}`). Use `____` for a space and `REPLACE_COMMA` for a comma.
 * - `REPLACE_COMMA` → `,` and `____` → a space, in template text (not in
 *   inserted values, which go in verbatim: `&`, `^`, `/` are safe).
 * - Comments are kept untouched. A `#` inside a URL, a quoted string or a block
 *   scalar is content, not a comment (YAML rules, via the `yaml` CST parser);
 *   tokens that appear only in comments are left alone.
 * - Every unresolved token of a file is reported in one error, each with its
 *   line and column.
 */
import { Parser } from 'yaml';
import { LlmdbenchError } from '../util/errors.ts';
import { isSecretName } from '../config/secrets.ts';
import { KNOWN_TOKENS, tokenHint } from './tokens.ts';

export interface RenderOptions {
  /** The template's file name or path, for error messages. */
  file: string;
  /** The value of a variable; `undefined` or `''` means unset. */
  lookup: (name: string) => string | undefined;
}

/** One `REPLACE_ENV_*` occurrence outside comments. */
export interface TemplateToken {
  /** The variable name, e.g. `LLMDBENCH_DEPLOY_CURRENT_MODEL`. */
  name: string;
  /** The `++++default=` value (with `____`/`REPLACE_COMMA` applied), if any. */
  defaultValue?: string;
  /** The exact text of the token in the template. */
  text: string;
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

// Variable names: alphanumeric runs joined by single underscores, so a
// following `____` (space) is not swallowed into the name.
const TOKEN_RE = /REPLACE_ENV_([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)(?:\+\+\+\+default=([^\s\-:./"',\]}]*))?/g;

function applyTextReplacements(s: string): string {
  return s.replaceAll('REPLACE_COMMA', ',').replaceAll('____', ' ');
}

/** [start, end) offsets of every YAML comment in `text`. */
function commentRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const rec = node as Record<string, unknown>;
    if (rec.type === 'comment' && typeof rec.offset === 'number' && typeof rec.source === 'string') {
      ranges.push([rec.offset, rec.offset + rec.source.length]);
      return;
    }
    for (const [k, v] of Object.entries(rec)) if (k !== 'source') walk(v);
  };
  for (const tok of new Parser().parse(text)) walk(tok);
  return ranges.sort((a, b) => a[0] - b[0]);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

interface Segment {
  start: number;
  end: number;
  comment: boolean;
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const [s, e] of commentRanges(text)) {
    if (s < pos) continue;
    if (s > pos) out.push({ start: pos, end: s, comment: false });
    out.push({ start: s, end: e, comment: true });
    pos = e;
  }
  if (pos < text.length) out.push({ start: pos, end: text.length, comment: false });
  return out;
}

/** Every `REPLACE_ENV_*` token a template uses outside comments, in order. */
export function listTemplateTokens(text: string): TemplateToken[] {
  const starts = lineStarts(text);
  const tokens: TemplateToken[] = [];
  for (const seg of segments(text)) {
    if (seg.comment) continue;
    const part = text.slice(seg.start, seg.end);
    for (const m of part.matchAll(TOKEN_RE)) {
      const offset = seg.start + (m.index ?? 0);
      const tok: TemplateToken = { name: m[1] ?? '', text: m[0], offset, ...position(starts, offset) };
      if (m[2] !== undefined) tok.defaultValue = applyTextReplacements(m[2]);
      tokens.push(tok);
    }
  }
  return tokens;
}

/** The distinct variable names a template references, in first-use order. */
export function templateVariables(text: string): string[] {
  return [...new Set(listTemplateTokens(text).map((t) => t.name))];
}

/** Renders a template; throws `E_UNRESOLVED_TOKEN` listing every unresolved token. */
export function renderTemplate(text: string, opts: RenderOptions): string {
  const tokens = listTemplateTokens(text);
  // Rendered profiles are printed (`render`) and kept in the work directory with the results:
  // a credential must never be copied into one.
  const secrets = tokens.filter((t) => isSecretName(t.name));
  if (secrets.length > 0) {
    const first = secrets[0] as TemplateToken;
    throw new LlmdbenchError('E_SECRET_IN_PROFILE', `${opts.file} would copy a secret (${[...new Set(secrets.map((t) => t.name))].join(', ')}) into the rendered profile`, {
      location: { file: opts.file, line: first.line, column: first.column },
      details: secrets.map((t) => `${opts.file}:${t.line}:${t.column}: REPLACE_ENV_${t.name}`),
      hint: 'rendered profiles are printed and saved with the results, so secrets are never put in them; remove the token; credentials stay in the environment (e.g. HF_TOKEN for gated tokenizers)',
    });
  }
  const unresolved: TemplateToken[] = [];
  let out = '';
  let pos = 0;
  // Text between tokens gets REPLACE_COMMA/____; comments are copied as they are.
  const copyPlain = (end: number, segs: Segment[]): void => {
    for (const seg of segs) {
      const s = Math.max(seg.start, pos);
      const e = Math.min(seg.end, end);
      if (s >= e) continue;
      const piece = text.slice(s, e);
      out += seg.comment ? piece : applyTextReplacements(piece);
    }
    pos = end;
  };
  const segs = segments(text);
  for (const tok of tokens) {
    copyPlain(tok.offset, segs);
    const raw = opts.lookup(tok.name);
    if (raw !== undefined && raw !== '') out += raw;
    else if (tok.defaultValue !== undefined) out += tok.defaultValue;
    else unresolved.push(tok);
    pos = tok.offset + tok.text.length;
  }
  copyPlain(text.length, segs);
  if (unresolved.length > 0) throw unresolvedError(opts.file, unresolved);
  return out;
}

function unresolvedError(file: string, unresolved: TemplateToken[]): LlmdbenchError {
  const names = [...new Set(unresolved.map((t) => t.name))];
  const first = unresolved[0] as TemplateToken;
  const details = unresolved.map((t) => {
    const info = KNOWN_TOKENS[t.name];
    const how = info?.flag ? ` (set with ${info.flag}, env or scenario)` : ' (set in env or scenario)';
    return `${file}:${t.line}:${t.column}: REPLACE_ENV_${t.name} — ${t.name} is not set${how}`;
  });
  return new LlmdbenchError(
    'E_UNRESOLVED_TOKEN',
    `${unresolved.length} unresolved REPLACE_ENV token${unresolved.length === 1 ? '' : 's'} in ${file}: ${names.join(', ')}`,
    {
      location: { file, line: first.line, column: first.column },
      details,
      hint: names.length === 1 ? tokenHint(first.name) : `${tokenHint(first.name)}. The same applies to ${names.slice(1).join(', ')}.`,
    },
  );
}
