/**
 * The HTML shell shared by the result and work-directory reports: one self-contained file (inline
 * CSS, inline SVG plots, no script, nothing fetched), escaping, and small building blocks.
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#555;margin:.2em 0 1em}
table{border-collapse:collapse;background:#fff;font-size:.95em}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{background:#f0f0f0;position:sticky;top:0}
.scroll{overflow-x:auto}
figure{margin:1em 0;background:#fff;border:1px solid #ddd;padding:8px}
figure svg{width:100%;height:auto;max-height:85vh;display:block}
figcaption{font-size:.9em;color:#555;margin-top:4px}
pre{background:#fff;border:1px solid #ddd;padding:8px;overflow-x:auto;font-size:.85em}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}
nav a{margin-right:1em}
ul.notes li{margin:.3em 0}
`;

export interface Section {
  id: string;
  title: string;
  html: string;
}

/** A whole page: title, subtitle line, a table of contents, the sections. */
export function page(title: string, subtitle: string, sections: Section[]): string {
  const nav = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1><p class="sub">${esc(subtitle)}</p>
<nav>${nav}</nav>
${body}
<p class="sub">Written by llmdbench. Self-contained: opens without network.</p>
</main></body></html>
`;
}

/** An inline SVG plot; the SVG's own size becomes a viewBox-scaled, responsive figure. */
export function figure(kind: string, title: string, svg: string, pngHref?: string): string {
  // vega writes width/height attributes and a viewBox: drop the fixed size so CSS can scale it.
  const inline = svg.replace(/^<svg([^>]*?)\swidth="[\d.]+"\sheight="[\d.]+"/, '<svg$1').replace(/^<svg/, `<svg role="img" aria-label="${esc(title)}"`);
  const link = pngHref ? ` — <a href="${esc(pngHref)}">PNG</a>` : '';
  return `<figure class="plot" data-plot="${esc(kind)}">${inline}<figcaption>${esc(title)}${link}</figcaption></figure>`;
}

/** A table: header row and body rows (cells already HTML). */
export function table(head: string[], rows: string[][]): string {
  const h = `<thead><tr>${head.map((c) => `<th>${c}</th>`).join('')}</tr></thead>`;
  const b = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody>`;
  return `<div class="scroll"><table>${h}${b}</table></div>`;
}

/** Values whose key names a secret are replaced by *** (api_key, hf_token, password...). */
export function scrubYaml(text: string): string {
  return text.replace(/^(\s*-?\s*"?([\w.-]+)"?\s*:\s*)(\S.*)$/gm, (all, head: string, key: string) =>
    /(^|[_.-])(api_?key|token|secret|password|authorization)$/i.test(key) ? `${head}'***'` : all,
  );
}
