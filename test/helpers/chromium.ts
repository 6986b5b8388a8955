/**
 * The system Chromium for browser tests (Debian's `chromium`, installed by .ci/run). Missing
 * under CI=true is a failure (the test must not pass by skipping); elsewhere the test skips
 * visibly with the install command.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The executable path, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.LLMDBENCH_TEST_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const c of CANDIDATES) if (existsSync(c)) return c;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const p = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (p && existsSync(p)) return p;
    } catch {
      /* not on PATH */
    }
  }
  return undefined;
}

export const CHROMIUM_MISSING = 'no Chromium found: install it with `apt-get install -y chromium` (.ci/run does), or set LLMDBENCH_TEST_CHROMIUM';

/** True under CI, where a missing browser must fail the test. */
export const underCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';
