/**
 * Writes a nop run's files into its results directory, named and shaped as upstream's:
 * result.yaml, <engine>/vllm.log, <engine>/categories.log, benchmark_report/result.yaml and
 * analysis/result.txt (the nop analyzer runs inside the harness, as upstream's does).
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../../util/files.ts';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { analysisText } from './analysis-txt.ts';
import { categoriesLog } from './categories-log.ts';
import { engineDir, type NopRunResult } from './model.ts';
import { reportV01 } from './report-v01.ts';
import { resultYaml } from './result-yaml.ts';

export function writeNopOutputs(dir: string, r: NopRunResult): string[] {
  const files: string[] = [];
  const put = (rel: string, data: string | Buffer): void => {
    const abs = join(dir, rel);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileAtomic(abs, data);
    files.push(rel);
  };
  for (const e of r.engines) {
    put(join(engineDir(e.name), 'vllm.log'), e.log);
    put(join(engineDir(e.name), 'categories.log'), categoriesLog(e.categorized.categories));
  }
  const result = resultYaml(r);
  put('result.yaml', stringify(result, { indent: 2, lineWidth: 0 }));
  const report = reportV01(result);
  put(join('benchmark_report', 'result.yaml'), stringify(report, { indent: 2, lineWidth: 0 }));
  put(join('analysis', 'result.txt'), analysisText(report));
  return files;
}
