/**
 * Region scope: a scoped principal reads only its regions' rows. STUB: the rewrite lands with the
 * guard issue.
 */
import type { AstNode } from './postgres-parser.ts';

export function applyRegionScope(_statement: AstNode, _regions: readonly string[] | undefined): void {}
