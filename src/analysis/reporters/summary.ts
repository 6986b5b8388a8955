/** The `summary` reporter: analysis/<dir>/summary.json and summary.txt (the ten metrics, health). */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/files.ts';
import { formatSummaryText } from '../summary.ts';
import type { Reporter } from './types.ts';

export const summaryReporter: Reporter = {
  kind: 'summary',
  description: 'summary.json and summary.txt: the ten metrics with units, failures by label, load-generator health',
  required: true,
  forResult(ctx) {
    const json = join(ctx.analysisDir, 'summary.json');
    const txt = join(ctx.analysisDir, 'summary.txt');
    writeFileAtomic(json, `${JSON.stringify(ctx.summary, null, 2)}\n`);
    writeFileAtomic(txt, formatSummaryText(ctx.summary));
    return [json, txt];
  },
};
