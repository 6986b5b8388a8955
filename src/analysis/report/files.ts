/**
 * Report file names, as upstream's analysis scripts write them:
 * `benchmark_report,_<native>.yaml` (v0.1), `benchmark_report_v0.2,_<native>.yaml`
 * (v0.2) and, by the same pattern, `benchmark_report_v0.2.1,_<native>.yaml`
 * (upstream's scripts write no v0.2.1 file yet). A file holding several
 * benchmarks (GuideLLM) gets `_<i>` before `.yaml`, even for one benchmark.
 * YAML is written with sorted keys and indent 2 (PyYAML's yaml.dump defaults).
 */
import { stringify } from 'yaml';
import type { ReportVersion } from './types.ts';

const PREFIX: Record<ReportVersion, string> = {
  '0.1': 'benchmark_report,_',
  '0.2': 'benchmark_report_v0.2,_',
  '0.2.1': 'benchmark_report_v0.2.1,_',
};

export function reportFileName(version: ReportVersion, nativeFile: string, index?: number): string {
  const name = `${PREFIX[version]}${nativeFile}.yaml`;
  return index === undefined ? name : `${name.slice(0, -'.yaml'.length)}_${index}.yaml`;
}

/** Version of a report file name, undefined when the name is not a report's. */
export function reportVersionOf(fileName: string): ReportVersion | undefined {
  if (fileName.startsWith(PREFIX['0.2.1'])) return '0.2.1';
  if (fileName.startsWith(PREFIX['0.2'])) return '0.2';
  if (fileName.startsWith(PREFIX['0.1'])) return '0.1';
  return undefined;
}

export function reportYaml(report: unknown): string {
  return stringify(report, { sortMapEntries: true, indent: 2, lineWidth: 0, aliasDuplicateObjects: false });
}
