/**
 * Where an external command is (the cloud CLIs `-r gs://…|s3://…` uploads with): looked up on
 * the PATH the CLI was given. Here because environment variables are read in src/config only.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path of `name` on PATH (executable regular file), else undefined. */
export function findOnPath(name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
