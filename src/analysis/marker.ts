/**
 * The completion marker's name: written last into a result directory that finished (by
 * src/run/unit.ts), read by `-z` (and resume) to tell a complete directory from a killed one.
 */
export const COMPLETE_MARKER = 'llmdbench_complete.json';
