/**
 * `-o` overrides (and experiment treatment assignments): parse the spec string,
 * then apply the assignments to a rendered profile, structure-aware.
 *
 * Syntax and rules are documented in docs/overrides-and-treatments.md. In short:
 *  - `key=value,key2=value2`, or `key,value,key2,value2` when no entry has an `=`;
 *  - a value with a comma: quote it (`k="a,b"`), escape it (`k=a\,b`) or write REPLACE_COMMA;
 *  - a key with a `.` or `[` is a path from the document root (`load.stages.0.rate`,
 *    `load.stages[0].rate`); a bare name sets every key of that name at any depth;
 *    a leading `+` on a path adds the leaf when it is missing (its parent must exist);
 *  - values are typed as YAML 1.2 scalars unless quoted; a value starting with `[` or `{` is a
 *    YAML flow list/map (commas inside do not split) and may replace a list, map or scalar.
 * Untouched text is kept byte for byte when only scalars change (the common case).
 */
export type { Override, OverrideChange } from './types.ts';
export { OVERRIDE_SYNTAX_HINT, makeOverride, parseKey, parseOverrides, typeFlow, typeValue } from './parse.ts';
export { formatPath } from './match.ts';
export { applyOverrides } from './apply.ts';
