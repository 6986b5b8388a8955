/** The `summary` reporter: analysis/<dir>/summary.json and summary.txt (the ten metrics, health). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSummaryText } from '../summary.ts';
import type { Reporter } from './types.ts';

export const summaryReporter: Reporter = {
  kind: 'summary',
  description: 'summary.json and summary.txt: the ten metrics with units, failures by label, load-generator health',
  required: true,
  forResult(ctx) {
    const json = join(ctx.analysisDir, 'summary.json');
    const txt = join(ctx.analysisDir, 'summary.txt');
    writeFileSync(json, `${JSON.stringify(ctx.summary, null, 2)}\n`);
    writeFileSync(txt, formatSummaryText(ctx.summary));
    return [json, txt];
  },
};
