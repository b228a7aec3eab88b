/**
 * Results compared as multisets of rows: the order rows come back in is the plan's business, not the
 * statement's, so two ways of running one statement agree when they return the same rows the same
 * number of times. Numbers agree within a relative tolerance (an average computed in another order
 * may differ in its last digits).
 */
import type { Cell } from '../../functions/core/ports.ts';

/** How two results differ: rows only one of them has (with multiplicity), at most a few of each. */
export interface RowDifference {
  readonly onlyLeft: readonly (readonly Cell[])[];
  readonly onlyRight: readonly (readonly Cell[])[];
  readonly leftCount: number;
  readonly rightCount: number;
}

const TOLERANCE = 1e-9;

/** A cell as a sort key: numbers rounded well inside the tolerance, so near-equal numbers sort together. */
function keyOf(row: readonly Cell[]): string {
  return JSON.stringify(row.map((cell) => (typeof cell === 'number' ? Number(cell.toPrecision(8)) : cell)));
}

function sameCell(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

function sameRow(a: readonly Cell[], b: readonly Cell[]): boolean {
  return a.length === b.length && a.every((cell, index) => sameCell(cell, b[index]!));
}

/**
 * `undefined` when `left` and `right` hold the same rows as multisets, else what differs.
 *
 * @example
 * rowDifference([[1, 'a'], [2, 'b']], [[2, 'b'], [1, 'a']]) // undefined
 */
export function rowDifference(left: readonly (readonly Cell[])[], right: readonly (readonly Cell[])[]): RowDifference | undefined {
  const sort = (rows: readonly (readonly Cell[])[]) => [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const a = sort(left);
  const b = sort(right);
  if (a.length === b.length && a.every((row, index) => sameRow(row, b[index]!))) return undefined;
  // Rows matched one for one; what is left over on either side is the difference.
  const unmatched = [...b];
  const onlyLeft: (readonly Cell[])[] = [];
  for (const row of a) {
    const index = unmatched.findIndex((candidate) => sameRow(row, candidate));
    if (index >= 0) unmatched.splice(index, 1);
    else onlyLeft.push(row);
  }
  return { onlyLeft: onlyLeft.slice(0, 5), onlyRight: unmatched.slice(0, 5), leftCount: left.length, rightCount: right.length };
}
