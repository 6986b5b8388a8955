/** Option parsing shared by analyze / report / compare: report versions and --slo. Errors list every problem. */
import { LlmdbenchError } from '../../util/errors.ts';
import { REPORT_VERSIONS, type ReportVersion } from '../../analysis/report/types.ts';
import { parseSlo, type Slo } from '../../metrics/slo.ts';

export function parseVersions(text: string): ReportVersion[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(REPORT_VERSIONS as readonly string[]).includes(p));
  if (bad.length > 0 || parts.length === 0) {
    throw new LlmdbenchError('E_REPORT_VERSION', `unknown report version${bad.length > 1 ? 's' : ''}: ${bad.join(', ') || '(none)'}`, {
      hint: `use ${REPORT_VERSIONS.join(', ')}`,
    });
  }
  return parts as ReportVersion[];
}

export function parseSloOption(text: string | undefined): Slo | undefined {
  if (text === undefined) return undefined;
  const { slo, problems } = parseSlo(text);
  if (problems.length > 0) {
    throw new LlmdbenchError('E_SLO', `bad --slo: ${problems[0]}`, { details: problems.slice(1), hint: 'e.g. --slo ttft=200ms,tpot=50ms,e2el=2s' });
  }
  return slo;
}
