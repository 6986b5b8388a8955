/**
 * <engine>/categories.log, line for line as upstream's write_benchmark_categories_to_log:
 * every category including the "Uncategorized" gaps, 2 spaces of indent per level.
 */
import { categoryElapsedS, categoryProcessDesc, type Category } from '../categories.ts';
import { formatStamp } from '../log-lines.ts';

export function categoriesLog(cats: readonly Category[], level = 0): string {
  const b = '  '.repeat(level);
  let out = '';
  for (const c of cats) {
    const elapsed = c.start?.timeMs !== undefined && c.end?.timeMs !== undefined ? categoryElapsedS(c).toFixed(3) : '';
    out += '\n';
    out += `${b}Log category   : '${c.title}'\n`;
    out += `${b}  Process      : '${categoryProcessDesc(c)}'\n`;
    out += `${b}  Start date   : '${formatStamp(c.start)}'\n`;
    out += `${b}  End date     : '${formatStamp(c.end)}'\n`;
    out += `${b}  Elapsed      : ${elapsed}\n`;
    out += `${b}  Start pattern: '${c.startPattern}'\n`;
    out += `${b}  End pattern  : '${c.endPattern}'\n`;
    out += c.start ? `${b}  Start line   : ${c.start.number} '${c.start.text}'\n` : `${b}  Start line   :\n`;
    out += c.end ? `${b}  End line     : ${c.end.number} '${c.end.text}'\n` : `${b}  End line     :\n`;
    if (c.children.length > 0) out += categoriesLog(c.children, level + 1);
  }
  return out;
}
