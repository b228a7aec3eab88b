/**
 * The SQL guard: proves from PostgreSQL's own syntax tree that a statement is safe for a principal,
 * then writes the SQL that will run by deparsing the checked (and rewritten) tree. Nothing a
 * planner or caller writes reaches the database in any other form.
 *
 * The walls, in order: one parseable query that cannot write (statement.ts); relations only from
 * schema sales, allow-listed functions and casts (relations-and-functions.ts); columns the role may
 * read (columns.ts); complexity limits (limits.ts); the region scope rewrite (region-scope.ts); the
 * row cap; a re-parse of the SQL that will run.
 */
import type { Principal } from '../principal.ts';
import type { GuardVerdict, SqlGuard } from '../ports.ts';
import { checkColumnAccess } from './columns.ts';
import { checkComplexity, clampLimit } from './limits.ts';
import { deparseTree, loadParser, type AstNode } from './postgres-parser.ts';
import { applyRegionScope } from './region-scope.ts';
import { checkRelationsAndFunctions } from './relations-and-functions.ts';
import { Refusal } from './refusal.ts';
import { parse, parseSingleQuery } from './statement.ts';

export interface GuardOptions {
  /** The most rows a statement may return: a LIMIT is added, or lowered to this. */
  readonly maxRows: number;
  /** The longest statement accepted, in characters. */
  readonly maxLength: number;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = { maxRows: 5_000, maxLength: 20_000 };

export class PostgresSqlGuard implements SqlGuard {
  private readonly options: GuardOptions;

  constructor(options: Partial<GuardOptions> = {}) {
    this.options = { ...DEFAULT_GUARD_OPTIONS, ...options };
  }

  async check(sql: string, principal: Principal): Promise<GuardVerdict> {
    await loadParser();
    try {
      return { allowed: true, sql: this.rewrite(sql, principal) };
    } catch (error) {
      if (error instanceof Refusal) return { allowed: false, rule: error.rule, reason: error.message };
      throw error;
    }
  }

  private rewrite(sql: string, principal: Principal): string {
    const { tree, statement } = parseSingleQuery(sql, this.options.maxLength);
    checkRelationsAndFunctions(statement);
    checkColumnAccess(statement, principal);
    checkComplexity(statement, { maxRows: this.options.maxRows });
    applyRegionScope(statement, principal.regions);
    clampLimit(statement.SelectStmt as AstNode, this.options.maxRows);
    const rewritten = deparseTree({ version: tree.version, stmts: [{ stmt: statement }] });
    // The SQL that runs must itself be one query: re-parse what we wrote.
    const again = parse(rewritten);
    if (again.stmts.length !== 1 || !again.stmts[0]!.stmt.SelectStmt) {
      throw new Refusal('round_trip', 'the rewritten statement did not re-parse as one query');
    }
    return rewritten;
  }
}
