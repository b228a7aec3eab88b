/**
 * The real PostgreSQL parser (libpg_query compiled to WebAssembly) and its deparser: the guard and
 * the database read the same grammar. The WebAssembly module loads once per process.
 */
import { loadModule, parseSync } from 'libpg-query';
import { deparseWithGuardDeparser } from './deparser.ts';

/** A node of libpg_query's JSON tree: `{ NodeType: { ...fields } }`. */
export type AstNode = Record<string, unknown>;

export interface ParseTree {
  version: number;
  stmts: { stmt: AstNode; stmt_len?: number; stmt_location?: number }[];
}

let ready: Promise<void> | undefined;

/** Loads the WebAssembly parser (idempotent); call before `parseStatement`. */
export function loadParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

/** Parses SQL into libpg_query's tree. Throws the parser's own message on a syntax error. */
export function parseSql(sql: string): ParseTree {
  return parseSync(sql) as ParseTree;
}

/**
 * Turns a (possibly rewritten) tree back into one line of SQL, written so that it parses back to the
 * same tree (deparser.ts); what it cannot write throws an error naming the node.
 */
export function deparseTree(tree: ParseTree): string {
  return deparseWithGuardDeparser(tree);
}
