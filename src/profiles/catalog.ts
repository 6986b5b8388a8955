/**
 * The workload profile catalog: `<profiles dir>/<harness>/<name>.yaml.in`.
 * The directory is `LLMDBENCH_HARNESS_PROFILES_DIR` when set, else the
 * package's own `workload/profiles`. Each template's first line is
 * `# description: <one line>`, which `llmdbench profiles` shows.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlmdbenchError } from '../util/errors.ts';
import { closestN } from '../util/suggest.ts';

export interface TemplateInfo {
  /** The harness directory name, e.g. `inference-perf`. */
  harness: string;
  /** The profile name without `.yaml.in` / `.yaml`, e.g. `sanity_random`. */
  name: string;
  /** Absolute path of the template file. */
  path: string;
  /** From the `# description:` line; `''` when the file has none. */
  description: string;
}

export interface CatalogOptions {
  /** Profiles directory; overrides the environment and the built-in one. */
  dir?: string;
  /** Environment to read `LLMDBENCH_HARNESS_PROFILES_DIR` from (the CLI passes its environment; none by default). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Base for relative file paths (default `process.cwd()`). */
  cwd?: string;
}

/** `<package root>/workload/profiles` (works from `src/` and from `dist/`). */
export const BUILTIN_PROFILES_DIR = path.resolve(fileURLToPath(new URL('../../workload/profiles', import.meta.url)));

const TEMPLATE_SUFFIXES = ['.yaml.in', '.yaml'] as const;

/** The profiles directory in effect. */
export function profilesDir(opts: CatalogOptions = {}): string {
  if (opts.dir) return path.resolve(opts.dir);
  const fromEnv = opts.env?.LLMDBENCH_HARNESS_PROFILES_DIR;
  return fromEnv ? path.resolve(fromEnv) : BUILTIN_PROFILES_DIR;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Harness directory names under the profiles directory, sorted. */
export function listHarnessDirs(opts: CatalogOptions = {}): string[] {
  const dir = profilesDir(opts);
  if (!isDir(dir)) {
    throw new LlmdbenchError('E_PROFILES_DIR', `profiles directory not found: ${dir}`, {
      kind: 'environment',
      hint: 'Set LLMDBENCH_HARNESS_PROFILES_DIR to a directory holding <harness>/<name>.yaml.in templates, or unset it to use the built-in catalog.',
    });
  }
  return readdirSync(dir)
    .filter((d) => !d.startsWith('.') && isDir(path.join(dir, d)))
    .sort();
}

/** The profile name of a template file name, or undefined if it is not a template. */
export function profileNameOf(fileName: string): string | undefined {
  const base = path.basename(fileName);
  for (const s of TEMPLATE_SUFFIXES) if (base.endsWith(s) && base.length > s.length) return base.slice(0, -s.length);
  return undefined;
}

/** The `# description:` text of a template ('' when absent). Looks at the leading comment block. */
export function readDescription(text: string): string {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t === '---') continue;
    if (!t.startsWith('#')) break;
    const m = /^#\s*description:\s*(.*)$/i.exec(t);
    if (m) return (m[1] ?? '').trim();
  }
  return '';
}

function infoFor(harness: string, file: string): TemplateInfo {
  const name = profileNameOf(file) ?? path.basename(file);
  return { harness, name, path: file, description: readDescription(readFileSync(file, 'utf8')) };
}

/** Every template of one harness (or of all harnesses), sorted by harness then name. */
export function listTemplates(harness?: string, opts: CatalogOptions = {}): TemplateInfo[] {
  const harnesses = harness === undefined ? listHarnessDirs(opts) : [checkHarness(harness, opts)];
  const dir = profilesDir(opts);
  const out: TemplateInfo[] = [];
  for (const h of harnesses) {
    const hdir = path.join(dir, h);
    const seen = new Set<string>();
    const mine: TemplateInfo[] = [];
    // `.yaml.in` first so it wins over a plain `.yaml` of the same name.
    const files = readdirSync(hdir)
      .filter((f) => profileNameOf(f) !== undefined && isFile(path.join(hdir, f)))
      .sort((a, b) => Number(b.endsWith('.in')) - Number(a.endsWith('.in')) || a.localeCompare(b));
    for (const f of files) {
      const name = profileNameOf(f) as string;
      if (seen.has(name)) continue;
      seen.add(name);
      mine.push(infoFor(h, path.join(hdir, f)));
    }
    out.push(...mine.sort((a, b) => a.name.localeCompare(b.name)));
  }
  return out;
}

function checkHarness(harness: string, opts: CatalogOptions): string {
  const harnesses = listHarnessDirs(opts);
  if (harnesses.includes(harness)) return harness;
  const near = closestN(harness, harnesses, 3);
  throw new LlmdbenchError('E_UNKNOWN_HARNESS', `unknown harness "${harness}"`, {
    details: [`harnesses in ${profilesDir(opts)}: ${harnesses.join(', ')}`],
    hint: near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : `use one of: ${harnesses.join(', ')}`,
  });
}

function looksLikePath(s: string): boolean {
  return path.isAbsolute(s) || s.includes('/') || s.includes(path.sep) || s.startsWith('.');
}

/**
 * Finds a template: by profile name (`sanity_random`, `sanity_random.yaml`,
 * `sanity_random.yaml.in`) in the harness's catalog directory, or by file path
 * (absolute or relative to cwd; a plain `.yaml` without tokens works too).
 */
export function findTemplate(harness: string, nameOrPath: string, opts: CatalogOptions = {}): TemplateInfo {
  const cwd = opts.cwd ?? process.cwd();
  if (looksLikePath(nameOrPath)) {
    const p = path.resolve(cwd, nameOrPath);
    if (isFile(p)) return infoFor(harness, p);
    throw new LlmdbenchError('E_PROFILE_NOT_FOUND', `profile file not found: ${p}`, {
      location: { file: nameOrPath },
      hint: 'Give a path to an existing template file, or a profile name from `llmdbench profiles`.',
    });
  }
  checkHarness(harness, opts);
  const name = profileNameOf(nameOrPath) ?? nameOrPath;
  const hdir = path.join(profilesDir(opts), harness);
  for (const s of TEMPLATE_SUFFIXES) {
    const p = path.join(hdir, name + s);
    if (isFile(p)) return infoFor(harness, p);
  }
  // A bare file name in the current directory (e.g. `my_profile.yaml`).
  const local = path.resolve(cwd, nameOrPath);
  if (profileNameOf(nameOrPath) !== undefined && existsSync(local) && isFile(local)) return infoFor(harness, local);
  throw unknownProfile(harness, name, opts);
}

function unknownProfile(harness: string, name: string, opts: CatalogOptions): LlmdbenchError {
  const names = listTemplates(harness, opts).map((t) => t.name);
  const near = closestN(name, names, 3);
  const elsewhere = listHarnessDirs(opts)
    .filter((h) => h !== harness)
    .filter((h) => listTemplates(h, opts).some((t) => t.name === name));
  const details = [`profiles for ${harness}: ${names.join(', ') || '(none)'}`];
  if (elsewhere.length > 0) details.push(`"${name}" exists for harness ${elsewhere.join(', ')} (select it with -l/--harness)`);
  // The default profile (sanity_random) does not exist for every harness: point at one that does.
  const starter = names.length === 1 ? names[0] : names.find((n) => n.startsWith('sanity'));
  let hint = near.length > 0
    ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`
    : `${starter ? `choose one with -w (e.g. -w ${starter}); ` : ''}run \`llmdbench profiles ${harness}\` to list them`;
  if (elsewhere.length > 0) hint += `; or use -l ${elsewhere[0]} -w ${name}`;
  return new LlmdbenchError('E_UNKNOWN_PROFILE', `unknown ${harness} profile "${name}"`, { details, hint });
}
