/**
 * One problem found in a user document (profile, data section, schedule). It lives in util/
 * because the engine's plugins (data sources, schedules) report problems too and the engine
 * imports nothing above util/.
 */
export interface ProfileIssue {
  severity: 'error' | 'warning';
  /** The key path inside the YAML document. */
  path: (string | number)[];
  message: string;
  hint?: string;
}
