import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { LlmdbenchError } from '../util/errors.ts';
import { closestN } from '../util/suggest.ts';

/**
 * Scenario files (`-c`): bash files of `export` lines (some with heredocs and
 * `$(mktemp)`), found by absolute path or by name under the scenarios
 * directories, and evaluated by bash itself so they behave exactly as when
 * upstream sources them.
 */

/** Every `*.sh` under `dir` (symlinked folders followed once), as absolute paths, sorted. */
export function listScenarioFiles(dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (d: string, depth: number): void => {
    if (depth > 8) return;
    let real: string;
    try {
      real = realpathSync(d);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // dangling symlink
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && name.endsWith('.sh')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir, 0);
  return out;
}

/** `name` with one `.sh` suffix (`x` → `x.sh`, `x.sh.sh` → `x.sh`). */
export function withShSuffix(name: string): string {
  const stem = name.replace(/(\.sh)+$/, '');
  return `${stem}.sh`;
}

/** The names a user may give for the scenario files under `dirs`: `sim`, `examples/sim`. */
export function scenarioNames(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const d of dirs) {
    for (const f of listScenarioFiles(d)) {
      names.add(basename(f).replace(/\.sh$/, ''));
      names.add(relative(d, f).replace(/\.sh$/, ''));
    }
  }
  return [...names].sort();
}

function uniqueReal(paths: string[]): string[] {
  const byReal = new Map<string, string>();
  for (const p of paths) {
    const r = realpathSync(p);
    if (!byReal.has(r)) byReal.set(r, p);
  }
  return [...byReal.values()];
}

/**
 * Resolves `-c <name>` to a file. Absolute: as is (`.sh` added when needed).
 * A name with `/`: `<dir>/<name>.sh` in each scenarios dir, then relative to
 * cwd. A bare name: searched in every subfolder, `<name>.sh` then `<name>`,
 * as upstream's `find -name`, then in cwd. Two different files with that
 * name are an error rather than a silent pick.
 */
export function resolveScenarioPath(name: string, dirs: readonly string[], cwd: string): string {
  const file = withShSuffix(name);
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
  if (isAbsolute(name)) {
    for (const p of [name, file]) if (isFile(p)) return p;
    throw notFound(name, dirs, `${file} does not exist`);
  }
  if (name.includes('/')) {
    for (const d of dirs) for (const p of [join(d, file), join(d, name)]) if (isFile(p)) return p;
    for (const p of [resolve(cwd, file), resolve(cwd, name)]) if (isFile(p)) return p;
    throw notFound(name, dirs);
  }
  for (const wanted of [file, name]) {
    const hits = uniqueReal(dirs.flatMap((d) => listScenarioFiles(d).filter((f) => basename(f) === wanted)));
    if (hits.length === 1 && hits[0] !== undefined) return hits[0];
    if (hits.length > 1) {
      throw new LlmdbenchError('E_SCENARIO_AMBIGUOUS', `scenario "${name}" matches ${hits.length} files`, {
        details: hits,
        hint: 'give the folder too, e.g. -c ' + relative(dirs.find((d) => hits[0]?.startsWith(d)) ?? cwd, hits[0] ?? '').replace(/\.sh$/, ''),
      });
    }
  }
  // Last resort, friendlier than upstream: a file of that name in the current directory.
  for (const p of [resolve(cwd, file), resolve(cwd, name)]) if (isFile(p)) return p;
  throw notFound(name, dirs);
}

function notFound(name: string, dirs: readonly string[], why?: string): LlmdbenchError {
  const names = scenarioNames(dirs);
  const close = closestN(name.replace(/(\.sh)+$/, ''), names, 5);
  const where = dirs.length > 0 ? `searched ${dirs.join(', ')}` : 'no scenarios folder exists (./scenarios, <package>/scenarios)';
  return new LlmdbenchError('E_SCENARIO_NOT_FOUND', `scenario "${name}" not found (${why ?? where})`, {
    details: close.length > 0 ? close.map((c) => `did you mean: ${c}`) : [],
    hint:
      close.length > 0
        ? `closest scenario names: ${close.join(', ')}`
        : 'give an absolute path to a .sh file, or set LLMDBENCH_SCENARIOS_DIR to the folder holding your scenarios',
  });
}

export interface SourcedScenario {
  /** Every LLMDBENCH_* variable after sourcing (exported or not). */
  after: Map<string, string>;
  /** LLMDBENCH_* names the file assigns textually (to catch `X=<same value>`). */
  assigned: Set<string>;
  /** What the file printed: stdout, then stderr. */
  output: string;
}

// Sourced exactly as upstream does (`source`), with an ERR trap (inherited by
// $(...) via errtrace) reporting failing commands inside the file, then every
// LLMDBENCH_* shell variable exported and the environment dumped with env -0
// on fd 3, so nothing the file prints can be mistaken for a value.
const WRAPPER = `
__llmdbench_f="$1"
set -E
trap 'printf "%s\\t%s\\t%s\\t%s\\n" "\${BASH_SOURCE[0]}" "$LINENO" "$?" "$BASH_COMMAND" >&4' ERR
source "$__llmdbench_f"
__llmdbench_rc=$?
trap - ERR
for __llmdbench_v in $(compgen -v LLMDBENCH_); do export "$__llmdbench_v"; done
printf 'LLMDBENCH_SCENARIO_RC__=%s\\0' "$__llmdbench_rc" >&3
env -0 >&3
`;

interface BashResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  env: string;
  errs: string;
  timedOut: boolean;
}

function runBash(file: string, env: Record<string, string>, timeoutMs: number, cwd: string | undefined): Promise<BashResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', WRAPPER, 'llmdbench-scenario', file], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout also stops what the scenario started (e.g. `sleep`).
      detached: true,
    });
    const bufs: Buffer[][] = [[], [], [], [], []];
    child.stdio.forEach((s, i) => {
      if (i > 0 && s && 'on' in s) s.on('data', (b: Buffer) => bufs[i]?.push(b));
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = (i: number): string => Buffer.concat(bufs[i] ?? []).toString('utf8');
      resolvePromise({ code, signal, stdout: text(1), stderr: text(2), env: text(3), errs: text(4), timedOut });
    });
  });
}

/** `X=` / `export X=` assignments of LLMDBENCH_* names outside comments. */
function assignedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?(LLMDBENCH_[A-Za-z0-9_]+)=/gm)) if (m[1]) out.add(m[1]);
  return out;
}

/**
 * Sources `file` with bash in the environment `env` (defaults + environment)
 * and returns the LLMDBENCH_* variables afterwards. Any bash error in the file
 * (syntax error, failing command, `exit`), a missing bash or a timeout is an
 * LlmdbenchError naming the file and the line bash reports.
 */
export async function sourceScenario(
  file: string,
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<SourcedScenario> {
  if (!existsSync(file)) {
    throw new LlmdbenchError('E_SCENARIO_NOT_FOUND', `scenario file ${file} does not exist`, { location: { file } });
  }
  const text = readFileSync(file, 'utf8');
  const cleanEnv: Record<string, string> = { ...env };
  delete cleanEnv.BASH_ENV; // would be sourced by a non-interactive bash
  delete cleanEnv.ENV;
  let r: BashResult;
  try {
    r = await runBash(file, cleanEnv, opts.timeoutMs ?? 30_000, opts.cwd && existsSync(opts.cwd) ? opts.cwd : undefined);
  } catch (e) {
    throw new LlmdbenchError('E_SCENARIO_BASH', `cannot run bash to load scenario ${file}: ${(e as Error).message}`, {
      kind: 'environment',
      location: { file },
      hint: 'scenario files are bash scripts; install bash (it must be on PATH)',
    });
  }
  const output = [r.stdout, r.stderr].filter((s) => s.length > 0).join('');
  const records = r.env.split('\0');
  const rcRecord = records[0]?.startsWith('LLMDBENCH_SCENARIO_RC__=') ? records[0] : undefined;
  const problems = scenarioProblems(file, r, rcRecord);
  if (problems) throw problems;
  const after = new Map<string, string>();
  for (const rec of records.slice(1)) {
    const eq = rec.indexOf('=');
    if (eq <= 0) continue;
    const name = rec.slice(0, eq);
    if (name.startsWith('LLMDBENCH_')) after.set(name, rec.slice(eq + 1));
  }
  return { after, assigned: assignedNames(text), output };
}

function scenarioProblems(file: string, r: BashResult, rcRecord: string | undefined): LlmdbenchError | undefined {
  const hint = 'run `bash -n <file>` to check its syntax; a scenario is sourced by bash as upstream does, so every command in it must succeed';
  if (r.timedOut) {
    return new LlmdbenchError('E_SCENARIO_BASH', `scenario ${file} did not finish within the time limit (does it wait for input?)`, {
      location: { file },
      hint,
    });
  }
  // bash reports errors in a sourced file as "<file>: line <n>: <message>".
  const reported = r.stderr
    .split('\n')
    .map((l) => /^(.*?): line (\d+): (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === file);
  const trapped = r.errs
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f.length >= 4 && f[0] === file);
  const rc = rcRecord === undefined ? undefined : Number(rcRecord.slice(rcRecord.indexOf('=') + 1));
  if (reported.length === 0 && trapped.length === 0 && rc === 0 && r.code === 0) return undefined;
  const first = reported[0];
  const line = first ? Number(first[2]) : trapped[0] ? Number(trapped[0][1]) : undefined;
  let message: string;
  if (first) message = first[3] ?? 'error';
  else if (trapped[0]) message = `command failed with status ${trapped[0][2]}: ${trapped[0][3]}`;
  else if (rcRecord === undefined) message = `the scenario ended the shell (exit status ${r.code ?? r.signal})`;
  else message = `sourcing ended with status ${rc}`;
  const details = [
    ...reported.slice(1).map((m) => `line ${m[2]}: ${m[3]}`),
    ...trapped.filter((f) => f !== (first ? undefined : trapped[0]) && !reported.some((m) => m[2] === f[1])).map((f) => `line ${f[1]}: command failed with status ${f[2]}: ${f[3]}`),
  ];
  const syntax = reported.some((m) => /syntax error|unexpected/.test(m[3] ?? ''));
  return new LlmdbenchError('E_SCENARIO_BASH', `scenario ${file}: ${message}`, {
    location: { file, ...(line !== undefined ? { line } : {}) },
    details: [...new Set(details)],
    hint: syntax
      ? hint
      : 'fix or remove the failing command at the line shown (append `|| true` if its failure is expected); a scenario is sourced by bash as upstream does, so every command in it must succeed',
  });
}
