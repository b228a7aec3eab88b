/**
 * The guard's deparser: writes a query's tree back as one line of SQL that PostgreSQL parses to the
 * same tree (deparse-expressions.ts for expressions, this file for the query clauses).
 *
 * Among what pgsql-deparser loses, and this writes: GROUP BY DISTINCT; CTE, alias, column and
 * window names that are keywords (`with "order" as …`); `ORDER BY x USING OPERATOR(s.<)`; WITH TIES;
 * set-operation arms by the precedence of INTERSECT over UNION and EXCEPT. What cannot be written
 * faithfully throws, naming the node, or is written anyway and caught by the guard's round trip.
 */
import { quoteIdentifier, quoteQualifiedName } from './deparse-identifiers.ts';
import { ExpressionDeparser, type Context } from './deparse-expressions.ts';
import { Level } from './deparse-precedence.ts';
import type { Fields } from './deparse-types.ts';

const JOIN_WORDS: Readonly<Record<string, string>> = {
  JOIN_INNER: 'JOIN',
  JOIN_LEFT: 'LEFT JOIN',
  JOIN_RIGHT: 'RIGHT JOIN',
  JOIN_FULL: 'FULL JOIN',
};

const SET_OPERATIONS: Readonly<Record<string, { words: string; precedence: number }>> = {
  SETOP_UNION: { words: 'UNION', precedence: 1 },
  SETOP_EXCEPT: { words: 'EXCEPT', precedence: 1 },
  SETOP_INTERSECT: { words: 'INTERSECT', precedence: 2 },
};

const MATERIALIZED: Readonly<Record<string, string>> = {
  CTEMaterializeAlways: ' MATERIALIZED',
  CTEMaterializeNever: ' NOT MATERIALIZED',
};

/** Whether a SELECT carries clauses that bind to it only inside parentheses, as a set-operation arm. */
function hasOwnClauses(select: Fields): boolean {
  return Boolean(select.withClause || select.sortClause || select.limitCount || select.limitOffset || select.lockingClause || (select.limitOption && select.limitOption !== 'LIMIT_OPTION_DEFAULT'));
}

function isSetOperation(select: Fields): boolean {
  return Boolean(select.op && select.op !== 'SETOP_NONE');
}

export class GuardDeparser extends ExpressionDeparser {
  /** Several statements are separated by semicolons, whatever their `stmt_len` says. */
  override ParseResult(node: Fields, context: Context): string {
    return (node.stmts as Fields[]).map((raw) => this.expression(raw.stmt, context)).join('; ');
  }

  override SelectStmt(node: Fields, context: Context): string {
    if (node.intoClause) throw new Error('Deparser does not handle node type: IntoClause');
    if (node.lockingClause) throw new Error('Deparser does not handle node type: LockingClause');
    const parts: string[] = [];
    if (node.withClause) parts.push(this.WithClause(node.withClause, context));
    if (isSetOperation(node)) parts.push(this.setOperation(node, context));
    else if (node.valuesLists) parts.push(`VALUES ${(node.valuesLists as Fields[]).map((row) => `(${this.expressions(row.List?.items, context)})`).join(', ')}`);
    else parts.push(this.simpleSelect(node, context));
    if (node.sortClause) parts.push(`ORDER BY ${this.sortList(node.sortClause, context)}`);
    parts.push(...this.limits(node, context));
    return parts.join(' ');
  }

  /** SELECT … FROM … WHERE … GROUP BY … HAVING … WINDOW …, without ORDER BY and limits. */
  private simpleSelect(node: Fields, context: Context): string {
    let select = 'SELECT';
    const distinct: Fields[] | undefined = node.distinctClause;
    if (distinct) {
      const on = distinct.filter((item) => Object.keys(item).length > 0);
      select += on.length > 0 ? ` DISTINCT ON (${this.expressions(on, context)})` : ' DISTINCT';
    }
    const parts = [select];
    if (node.targetList) parts.push((node.targetList as Fields[]).map((target) => this.ResTarget(target.ResTarget, context)).join(', '));
    if (node.fromClause) parts.push(`FROM ${(node.fromClause as Fields[]).map((item) => this.expression(item, context)).join(', ')}`);
    if (node.whereClause) parts.push(`WHERE ${this.expression(node.whereClause, context)}`);
    if (node.groupClause) parts.push(`GROUP BY ${node.groupDistinct ? 'DISTINCT ' : ''}${this.expressions(node.groupClause, context)}`);
    if (node.havingClause) parts.push(`HAVING ${this.expression(node.havingClause, context)}`);
    if (node.windowClause) {
      const windows = (node.windowClause as Fields[]).map(({ WindowDef: window }) => `${quoteIdentifier(String(window.name))} AS (${this.windowSpecification(window, context)})`);
      parts.push(`WINDOW ${windows.join(', ')}`);
    }
    return parts.join(' ');
  }

  /**
   * `left UNION [ALL] right`. INTERSECT binds tighter than UNION and EXCEPT, and all associate to
   * the left: an arm is parenthesised when it would otherwise regroup, or when it has clauses of its
   * own (WITH, ORDER BY, LIMIT) that would otherwise attach to the whole.
   */
  private setOperation(node: Fields, context: Context): string {
    const operation = SET_OPERATIONS[node.op];
    if (!operation) throw new Error(`Deparser does not handle node type: SelectStmt ${node.op}`);
    const arm = (select: Fields, right: boolean) => {
      const written = this.SelectStmt(select, context);
      const armPrecedence = isSetOperation(select) ? SET_OPERATIONS[select.op]?.precedence ?? 0 : Infinity;
      const regroups = right ? armPrecedence <= operation.precedence : armPrecedence < operation.precedence;
      return regroups || hasOwnClauses(select) ? `(${written})` : written;
    };
    return `${arm(node.larg.SelectStmt ?? node.larg, false)} ${operation.words}${node.all ? ' ALL' : ''} ${arm(node.rarg.SelectStmt ?? node.rarg, true)}`;
  }

  /** LIMIT, OFFSET, or FETCH FIRST … WITH TIES. */
  private limits(node: Fields, context: Context): string[] {
    const parts: string[] = [];
    if (node.limitOption === 'LIMIT_OPTION_WITH_TIES') {
      // FETCH FIRST takes only a constant or a parenthesised expression.
      parts.push(`FETCH FIRST ${this.operand(node.limitCount, Level.Atom, context)} ROWS WITH TIES`);
    } else if (node.limitCount) {
      const count: Fields = node.limitCount;
      parts.push(`LIMIT ${count.A_Const?.isnull ? 'ALL' : this.expression(count, context)}`);
    }
    if (node.limitOffset) parts.push(`OFFSET ${this.expression(node.limitOffset, context)}`);
    return parts;
  }

  override ResTarget(node: Fields, context: Context): string {
    // SET and INSERT column lists are pgsql-deparser's: the guard writes queries only.
    if (context.update || context.insertColumns) return super.ResTarget(node as never, context);
    const value = this.expression(node.val, context);
    return node.name ? `${value} AS ${quoteIdentifier(String(node.name))}` : value;
  }

  override WithClause(node: Fields, context: Context): string {
    const ctes = (node.ctes as Fields[]).map((cte) => this.CommonTableExpr(cte.CommonTableExpr, context));
    return `WITH ${node.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')}`;
  }

  override CommonTableExpr(node: Fields, context: Context): string {
    if (node.search_clause) throw new Error('Deparser does not handle node type: CTESearchClause');
    if (node.cycle_clause) throw new Error('Deparser does not handle node type: CTECycleClause');
    const columns = node.aliascolnames ? `(${this.names(node.aliascolnames)})` : '';
    return `${quoteIdentifier(String(node.ctename))}${columns} AS${MATERIALIZED[node.ctematerialized] ?? ''} (${this.expression(node.ctequery, context)})`;
  }

  /** A list of `String` nodes as identifiers. */
  private names(list: readonly Fields[]): string {
    return list.map((name) => quoteIdentifier(String(name.String?.sval ?? ''))).join(', ');
  }

  override Alias(node: Fields, _context: Context): string {
    return `AS ${quoteIdentifier(String(node.aliasname))}${node.colnames ? `(${this.names(node.colnames)})` : ''}`;
  }

  override RangeVar(node: Fields, context: Context): string {
    const name = quoteQualifiedName([node.catalogname, node.schemaname, node.relname].filter((part): part is string => typeof part === 'string' && part !== ''));
    // `inh` is false (absent from the JSON) for ONLY.
    const relation = `${node.inh ? '' : 'ONLY '}${name}`;
    return node.alias ? `${relation} ${this.Alias(node.alias, context)}` : relation;
  }

  override RangeSubselect(node: Fields, context: Context): string {
    const subquery = `${node.lateral ? 'LATERAL ' : ''}(${this.expression(node.subquery, context)})`;
    return node.alias ? `${subquery} ${this.Alias(node.alias, context)}` : subquery;
  }

  override RangeFunction(node: Fields, context: Context): string {
    const functions = (node.functions as Fields[]).map((entry) => {
      const [call, columns] = (entry.List?.items ?? []) as Fields[];
      const written = this.tableFunction(call!, context);
      return columns?.List ? `${written} AS (${this.columnDefinitions(columns.List.items, context)})` : written;
    });
    let from = node.lateral ? 'LATERAL ' : '';
    from += node.is_rowsfrom ? `ROWS FROM (${functions.join(', ')})` : functions.join(', ');
    if (node.ordinality) from += ' WITH ORDINALITY';
    if (node.coldeflist) {
      const name = node.alias ? ` ${quoteIdentifier(String(node.alias.aliasname))}` : '';
      if (node.alias?.colnames) throw new Error('Deparser does not handle node type: RangeFunction with both column names and definitions');
      from += ` AS${name} (${this.columnDefinitions(node.coldeflist, context)})`;
    } else if (node.alias) {
      from += ` ${this.Alias(node.alias, context)}`;
    }
    return from;
  }

  /** A function in FROM: a call, or one of the SQL constructs that stand there (`CAST(…)` is one). */
  private tableFunction(call: Fields, context: Context): string {
    if (call.TypeCast) return `CAST(${this.expression(call.TypeCast.arg, context)} AS ${this.TypeName(call.TypeCast.typeName, context)})`;
    return this.expression(call, context);
  }

  private columnDefinitions(list: readonly Fields[], context: Context): string {
    return list
      .map(({ ColumnDef: column }) => {
        const collation = column.collClause ? ` COLLATE ${quoteQualifiedName((column.collClause.CollateClause?.collname ?? column.collClause.collname ?? []).map((part: Fields) => String(part.String?.sval)))}` : '';
        return `${quoteIdentifier(String(column.colname))} ${this.TypeName(column.typeName, context)}${collation}`;
      })
      .join(', ');
  }

  override RangeTableSample(node: Fields, context: Context): string {
    const method = quoteQualifiedName((node.method as Fields[]).map((part) => String(part.String?.sval)));
    const repeatable = node.repeatable ? ` REPEATABLE (${this.expression(node.repeatable, context)})` : '';
    return `${this.expression(node.relation, context)} TABLESAMPLE ${method}(${this.expressions(node.args, context)})${repeatable}`;
  }

  /**
   * Joins associate to the left, so a join on the right is parenthesised; a join with an alias is
   * always written `(… JOIN …) AS alias`, the only form that carries one.
   */
  override JoinExpr(node: Fields, context: Context): string {
    const side = (item: Fields, right: boolean) => {
      const written = this.expression(item, context);
      return right && item.JoinExpr && !item.JoinExpr.alias ? `(${written})` : written;
    };
    const words = JOIN_WORDS[node.jointype];
    if (!words) throw new Error(`Deparser does not handle node type: JoinExpr ${node.jointype}`);
    const cross = node.jointype === 'JOIN_INNER' && !node.isNatural && !node.quals && !node.usingClause;
    let join = `${side(node.larg, false)} ${cross ? 'CROSS JOIN' : `${node.isNatural ? 'NATURAL ' : ''}${words}`} ${side(node.rarg, true)}`;
    if (node.usingClause) {
      join += ` USING (${this.names(node.usingClause)})`;
      if (node.join_using_alias) join += ` AS ${quoteIdentifier(String(node.join_using_alias.aliasname))}`;
    }
    if (node.quals) join += ` ON ${this.expression(node.quals, context)}`;
    return node.alias ? `(${join}) ${this.Alias(node.alias, context)}` : join;
  }

  /** GROUP BY items: `()`, ROLLUP (…), CUBE (…), GROUPING SETS (…). */
  override GroupingSet(node: Fields, context: Context): string {
    const content = this.expressions(node.content, context);
    switch (node.kind) {
      case 'GROUPING_SET_EMPTY':
        return '()';
      case 'GROUPING_SET_ROLLUP':
        return `ROLLUP (${content})`;
      case 'GROUPING_SET_CUBE':
        return `CUBE (${content})`;
      case 'GROUPING_SET_SETS':
        return `GROUPING SETS (${content})`;
      default:
        throw new Error(`Deparser does not handle node type: GroupingSet ${node.kind}`);
    }
  }
}

/** Writes a parse tree (one or more statements) as SQL with the guard's deparser. */
export function deparseWithGuardDeparser(tree: unknown): string {
  return new GuardDeparser(tree as never, { pretty: false }).deparseQuery();
}
