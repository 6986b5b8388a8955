import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_SH_OPTIONS } from './run-options.ts';
import { packageRoot, VARIABLES } from '../config/variables.ts';
import { isSecretName } from '../config/secrets.ts';

/**
 * The generated parts of docs/config.md (variable and flag tables), from the
 * catalog and the option table, so the document stays true. A test checks the
 * document; `node --import tsx src/cli/config-docs.ts` rewrites it.
 */

const cell = (s: string): string => s.replace(/([|<>])/g, '\\$1');

export function variableTableMarkdown(): string {
  const rows = VARIABLES.map((v) => {
    const def = typeof v.default === 'string' ? (v.default === '' ? '' : `\`${v.default}\``) : (v.defaultDoc ?? '');
    const kind = v.derive ? 'derived' : '';
    return `| \`${v.name}\` | ${cell(def)}${kind && def ? ' (derived)' : kind} | ${v.flag ? `\`${v.flag}\`` : ''} | ${isSecretName(v.name) ? 'yes' : ''} | ${cell(v.description)} |`;
  });
  return ['| Variable | Default | Flag | Secret | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function flagTableMarkdown(): string {
  const rows = RUN_SH_OPTIONS.map((o) => {
    const flags = `${o.short ? `\`-${o.short}\` ` : ''}\`--${o.long}${o.arg ? ` ${o.arg}` : ''}\``;
    const sets = o.variables.map((v) => `\`${v}${o.arg ? '' : `=${o.on ?? '1'}`}\``).join(', ');
    return `| ${flags} | ${sets} | ${cell(o.description)}${o.kubernetesOnly ? " (Kubernetes only: local runs ignore it)" : ""} |`;
  });
  return ['| Flag | Sets | Meaning |', '|---|---|---|', ...rows].join('\n');
}

export const DOC_PATH = join(packageRoot, 'docs', 'config.md');

/** Replaces the text between `<!-- BEGIN GENERATED: <name> -->` and its END marker. */
export function replaceGenerated(doc: string, name: string, body: string): string {
  const begin = `<!-- BEGIN GENERATED: ${name} -->`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/config.md: markers for "${name}" not found`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

export function generatedDoc(doc: string): string {
  return replaceGenerated(replaceGenerated(doc, 'variables', variableTableMarkdown()), 'flags', flagTableMarkdown());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DOC_PATH, generatedDoc(readFileSync(DOC_PATH, 'utf8')));
}
