/**
 * Column access by role (contract section 2). STUB: the full resolution of every column reference
 * to its base table lands with the guard issue.
 */
import type { Principal } from '../principal.ts';
import type { AstNode } from './postgres-parser.ts';

export function checkColumnAccess(_statement: AstNode, _principal: Principal): void {}
