import type { Cell } from '../../functions/core/ports.ts';
import { formatNumber } from '../../functions/core/answer/columns.ts';

/** Renders rows as an aligned text table for people: numbers right-aligned, at most `maxRows` rows. */
export function renderTable(columns: readonly string[], rows: readonly Cell[][], maxRows = 50): string {
  const shown = rows.slice(0, maxRows);
  const text = shown.map((row) => row.map((cell, i) => (typeof cell === 'number' ? formatNumber(cell, columns[i]) : cell === null ? '' : String(cell))));
  const numeric = columns.map((_, i) => shown.length > 0 && shown.every((row) => row[i] === null || typeof row[i] === 'number'));
  const widths = columns.map((name, i) => Math.max(name.length, ...text.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line([...columns]), widths.map((w) => '─'.repeat(w)).join('  '), ...text.map(line)];
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more rows (use --json for all)`);
  return out.join('\n');
}
