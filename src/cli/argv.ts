/**
 * Normalises run.sh-style arguments before commander sees them:
 * - `-x=value` → `-x value` (the value is kept whole: `-o a=1,b=2` style values
 *   containing `=` survive, where upstream's `cut -d= -f2` truncated them);
 * - upstream's one-dash typo `-envvarspod=value` (and `-envvarspod value`) → `-g value`;
 * - `--experiments` (the spelling upstream's help uses) → `--experiment`;
 * - a long option typed with one dash (`-models`, `-dry-run`) → `--models`, when
 *   `longFlags` has it (otherwise commander would read `-models` as `-m odels`).
 * `valueFlags` (e.g. `-m`, `--models`) lists the options that take a value:
 * the argument after one is a value and is never rewritten. Everything after
 * `--` is kept as is.
 */
export function normalizeArgv(
  argv: readonly string[],
  valueFlags: ReadonlySet<string> = new Set(),
  longFlags: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const typo = /^-{1,2}envvarspod(?:=([\s\S]*))?$/.exec(arg);
    const short = /^-([A-Za-z])=([\s\S]*)$/.exec(arg);
    const plural = /^--experiments(=[\s\S]*)?$/.exec(arg);
    let flag = arg;
    const oneDashLong = /^-([A-Za-z][A-Za-z-]+)(=[\s\S]*)?$/.exec(arg);
    if (oneDashLong && !typo && longFlags.has(`--${oneDashLong[1]}`)) {
      flag = `--${oneDashLong[1]}`;
      out.push(`${flag}${oneDashLong[2] ?? ''}`);
      if (oneDashLong[2] === undefined && valueFlags.has(flag) && i + 1 < argv.length) out.push(argv[++i] as string);
      continue;
    }
    if (typo && !arg.startsWith('--')) {
      flag = '-g';
      out.push('-g');
      if (typo[1] !== undefined) {
        out.push(typo[1]);
        continue;
      }
    } else if (short) {
      out.push(`-${short[1]}`, short[2] ?? '');
      continue;
    } else if (plural) {
      flag = '--experiment';
      out.push(`--experiment${plural[1] ?? ''}`);
      if (plural[1] !== undefined) continue;
    } else {
      out.push(arg);
      if (arg.startsWith('--') && arg.includes('=')) continue;
    }
    // The next argument is this option's value: copy it untouched.
    if (valueFlags.has(flag) && i + 1 < argv.length) out.push(argv[++i] as string);
  }
  return out;
}
