/**
 * The expression half of the guard's deparser: pgsql-deparser's `Deparser` with every expression
 * node a query can hold rewritten so that the SQL it writes parses back to the same tree.
 *
 * pgsql-deparser decides parentheses case by case and misses some (`x BETWEEN (a AND b) AND c`,
 * `ts AT TIME ZONE ('UT' || 'C')`, `(1 < 2)::int` in a BETWEEN bound). Here every operand goes
 * through one rule, `operand()`: it is parenthesised when its level in PostgreSQL's precedence
 * table (deparse-precedence.ts) is below what its position requires. Nodes not overridden here
 * (XML, JSON constructors) still go through pgsql-deparser and rank as Unknown, so they are always
 * parenthesised as operands; the guard's round-trip check catches whatever else it gets wrong.
 *
 * Output is one line (pgsql-deparser's pretty mode is off): the SQL that runs is logged and shown as
 * one statement, and no line breaks are added that a string constant would have to be guarded from.
 */
import { Deparser } from 'pgsql-deparser';
import { quoteAfterDot, quoteFunctionName, quoteIdentifier, quoteQualifiedFunctionName, quoteQualifiedName, quoteString } from './deparse-identifiers.ts';
import { isSignOperator, Level, levelOf, operatorLevel } from './deparse-precedence.ts';
import { writeTypeName, type Fields } from './deparse-types.ts';

/** pgsql-deparser's per-call context, passed through untouched to the methods it still owns. */
export type Context = NonNullable<Parameters<Deparser['visit']>[1]>;

const SQL_VALUE_FUNCTIONS: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIME_N: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_LOCALTIMESTAMP_N: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_USER: 'USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

const BOOLEAN_TESTS: Readonly<Record<string, string>> = {
  IS_TRUE: 'IS TRUE',
  IS_NOT_TRUE: 'IS NOT TRUE',
  IS_FALSE: 'IS FALSE',
  IS_NOT_FALSE: 'IS NOT FALSE',
  IS_UNKNOWN: 'IS UNKNOWN',
  IS_NOT_UNKNOWN: 'IS NOT UNKNOWN',
};

/** Pattern-matching A_Expr kinds: the operator name the parser stores for the negated form, and the words. */
const PATTERNS: Readonly<Record<string, { negated: string; words: string }>> = {
  AEXPR_LIKE: { negated: '!~~', words: 'LIKE' },
  AEXPR_ILIKE: { negated: '!~~*', words: 'ILIKE' },
  AEXPR_SIMILAR: { negated: '!~', words: 'SIMILAR TO' },
};

const BETWEENS: Readonly<Record<string, string>> = {
  AEXPR_BETWEEN: 'BETWEEN',
  AEXPR_NOT_BETWEEN: 'NOT BETWEEN',
  AEXPR_BETWEEN_SYM: 'BETWEEN SYMMETRIC',
  AEXPR_NOT_BETWEEN_SYM: 'NOT BETWEEN SYMMETRIC',
};

/**
 * Keyword-named functions the grammar reads as plain calls when their arguments are separated by
 * commas (`substring(x, 1, 2)`, unlike `SUBSTRING(x FROM 1)`), so they need no quotes.
 */
const PLAIN_KEYWORD_FUNCTIONS: ReadonlySet<string> = new Set(['substring', 'overlay']);

/** The text of a `String` node. */
function text(node: Fields | undefined): string {
  return String(node?.String?.sval ?? '');
}

/** The parts of a dotted name held as a list of `String` nodes. */
function nameParts(list: readonly Fields[] | undefined): string[] {
  return (list ?? []).map(text);
}

/** Whether an A_Const holds nothing but a string. */
function stringConstant(node: Fields | undefined): string | undefined {
  const constant = node?.A_Const;
  return constant?.sval ? String(constant.sval.sval ?? '') : undefined;
}

/** Whether a FuncCall is a plain call `schema.name(args…)` with nothing else: the shape LIKE … ESCAPE makes. */
function isPlainCall(node: Fields | undefined, schema: string, name: string, arity: readonly number[]): boolean {
  const call = node?.FuncCall;
  if (!call || call.funcformat !== 'COERCE_EXPLICIT_CALL') return false;
  const parts = nameParts(call.funcname);
  const extra = Object.keys(call).filter((key) => !['funcname', 'args', 'funcformat', 'location'].includes(key));
  return parts.length === 2 && parts[0] === schema && parts[1] === name && arity.includes(call.args?.length ?? 0) && extra.length === 0;
}

export class ExpressionDeparser extends Deparser {
  /** Writes an expression in a position that takes any expression (a list item, a clause). */
  protected expression(node: Fields, context: Context): string {
    return this.visit(node as never, context);
  }

  /** Writes an operand, in parentheses when its level is below `minimum`. */
  protected operand(node: Fields, minimum: number, context: Context): string {
    const written = this.expression(node, context);
    return levelOf(node) < minimum ? `(${written})` : written;
  }

  /** Writes a comma-separated list of expressions. */
  protected expressions(list: readonly Fields[] | undefined, context: Context): string {
    return (list ?? []).map((item) => this.expression(item, context)).join(', ');
  }

  /**
   * Writes an operand where the grammar takes only a `b_expr` (a BETWEEN lower bound, POSITION's
   * arguments): no AND/OR/NOT, IS, comparison, pattern, COLLATE or AT TIME ZONE at any depth outside
   * parentheses.
   */
  protected restrictedOperand(node: Fields, context: Context): string {
    const written = this.expression(node, context);
    return isRestrictedExpression(node) ? written : `(${written})`;
  }

  /** Writes an operator name: `+`, or `OPERATOR(pg_catalog.+)` when qualified. */
  protected operatorName(name: readonly Fields[] | undefined): string {
    const parts = nameParts(name);
    if (parts.length === 1) return parts[0]!;
    return `OPERATOR(${quoteQualifiedName(parts.slice(0, -1))}.${parts.at(-1)})`;
  }

  override A_Const(node: Fields, _context: Context): string {
    if (node.isnull) return 'NULL';
    if (node.ival !== undefined) return String(node.ival.ival ?? 0);
    if (node.fval !== undefined) return String(node.fval.fval);
    if (node.boolval !== undefined) return node.boolval.boolval ? 'true' : 'false';
    if (node.sval !== undefined) return quoteString(String(node.sval.sval ?? ''));
    if (node.bsval !== undefined) {
      const bits = String(node.bsval.bsval ?? '');
      return `${bits[0]}'${bits.slice(1)}'`;
    }
    throw new Error('Deparser does not handle node type: A_Const of this kind');
  }

  override ColumnRef(node: Fields, _context: Context): string {
    return (node.fields as Fields[]).map((field, index) => (field.A_Star ? '*' : index === 0 ? quoteIdentifier(text(field)) : quoteAfterDot(text(field)))).join('.');
  }

  override ParamRef(node: Fields, _context: Context): string {
    return `$${node.number ?? 0}`;
  }

  override A_Star(_node: Fields, _context: Context): string {
    return '*';
  }

  override A_Expr(node: Fields, context: Context): string {
    const { kind, lexpr, rexpr } = node;
    switch (kind) {
      case 'AEXPR_OP': {
        const operator = this.operatorName(node.name);
        if (!lexpr) {
          if (isSignOperator(node.name)) {
            const argument = this.operand(rexpr, Level.Unary, context);
            // A space keeps `- -x` from becoming the comment `--x`, and `- ~x` from the operator `-~`.
            return /^[A-Za-z0-9_("'$]/.test(argument) ? `${operator}${argument}` : `${operator} ${argument}`;
          }
          return `${operator} ${this.operand(rexpr, Level.Operator + 1, context)}`;
        }
        const level = operatorLevel(node.name);
        const nonAssociative = level === Level.Comparison;
        return `${this.operand(lexpr, nonAssociative ? level + 1 : level, context)} ${operator} ${this.operand(rexpr, level + 1, context)}`;
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL': {
        const quantifier = kind === 'AEXPR_OP_ANY' ? 'ANY' : 'ALL';
        return `${this.operand(lexpr, operatorLevel(node.name) + 1, context)} ${this.operatorName(node.name)} ${quantifier} (${this.expression(rexpr, context)})`;
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const words = kind === 'AEXPR_DISTINCT' ? 'IS DISTINCT FROM' : 'IS NOT DISTINCT FROM';
        return `${this.operand(lexpr, Level.Is + 1, context)} ${words} ${this.operand(rexpr, Level.Is + 1, context)}`;
      }
      case 'AEXPR_NULLIF':
        return `NULLIF(${this.expression(lexpr, context)}, ${this.expression(rexpr, context)})`;
      case 'AEXPR_IN': {
        const words = text(node.name?.[0]) === '<>' ? 'NOT IN' : 'IN';
        const items: Fields[] = rexpr?.List?.items ?? [rexpr];
        return `${this.operand(lexpr, Level.Pattern + 1, context)} ${words} (${this.expressions(items, context)})`;
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR':
        return this.pattern(node, context);
      default: {
        const words = BETWEENS[kind];
        if (!words) throw new Error(`Deparser does not handle node type: A_Expr ${kind}`);
        const [lower, upper] = rexpr?.List?.items ?? [];
        return `${this.operand(lexpr, Level.Pattern + 1, context)} ${words} ${this.restrictedOperand(lower, context)} AND ${this.operand(upper, Level.Pattern + 1, context)}`;
      }
    }
  }

  /**
   * LIKE, ILIKE and SIMILAR TO. The parser stores `x LIKE p ESCAPE e` as `x LIKE
   * pg_catalog.like_escape(p, e)`, and every SIMILAR TO pattern as a call of
   * `pg_catalog.similar_to_escape`; both are written back in the SQL form.
   */
  private pattern(node: Fields, context: Context): string {
    const { negated, words } = PATTERNS[node.kind]!;
    const not = text(node.name?.[0]) === negated ? 'NOT ' : '';
    const left = this.operand(node.lexpr, Level.Pattern + 1, context);
    let right: string;
    const escapeCall = node.kind === 'AEXPR_SIMILAR' ? 'similar_to_escape' : 'like_escape';
    const arity = node.kind === 'AEXPR_SIMILAR' ? [1, 2] : [2];
    if (isPlainCall(node.rexpr, 'pg_catalog', escapeCall, arity)) {
      const [pattern, escape] = node.rexpr.FuncCall.args as Fields[];
      right = this.operand(pattern!, Level.Pattern + 1, context);
      if (escape) right += ` ESCAPE ${this.operand(escape, Level.Pattern + 1, context)}`;
    } else {
      right = this.operand(node.rexpr, Level.Pattern + 1, context);
    }
    return `${left} ${not}${words} ${right}`;
  }

  override BoolExpr(node: Fields, context: Context): string {
    const args: Fields[] = node.args ?? [];
    if (node.boolop === 'NOT_EXPR') return `NOT ${this.operand(args[0]!, Level.Not, context)}`;
    const [level, word] = node.boolop === 'AND_EXPR' ? [Level.And, ' AND '] : [Level.Or, ' OR '];
    // The parser folds `a AND b AND c` into one node of three: a nested node of the same kind is
    // parenthesised on the right, where it came from.
    return args.map((arg, index) => this.operand(arg, index === 0 ? level : level + 1, context)).join(word);
  }

  override NullTest(node: Fields, context: Context): string {
    return `${this.operand(node.arg, Level.Is + 1, context)} ${node.nulltesttype === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'}`;
  }

  override BooleanTest(node: Fields, context: Context): string {
    const words = BOOLEAN_TESTS[node.booltesttype];
    if (!words) throw new Error(`Deparser does not handle node type: BooleanTest ${node.booltesttype}`);
    return `${this.operand(node.arg, Level.Is + 1, context)} ${words}`;
  }

  override TypeCast(node: Fields, context: Context): string {
    return `${this.operand(node.arg, Level.Cast, context)}::${this.TypeName(node.typeName, context)}`;
  }

  override TypeName(node: Fields, context: Context): string {
    return writeTypeName(node, (modifier) => this.expression(modifier, context));
  }

  override CollateClause(node: Fields, context: Context): string {
    return `${this.operand(node.arg, Level.Collate, context)} COLLATE ${quoteQualifiedName(nameParts(node.collname))}`;
  }

  override A_Indirection(node: Fields, context: Context): string {
    const indirection: Fields[] = node.indirection ?? [];
    const arg: Fields = node.arg;
    // `a.b[1]` is a column reference with a subscript and `$1.f` a parameter with a field; a field
    // of any other expression needs parentheses (`(t).f`: without them it is the column t.f).
    const bare = (arg.ColumnRef && indirection[0]?.A_Indices) || arg.ParamRef || arg.SubLink?.subLinkType === 'EXPR_SUBLINK';
    const base = this.expression(arg, context);
    return (bare ? base : `(${base})`) + indirection.map((step) => this.indirectionStep(step, context)).join('');
  }

  private indirectionStep(step: Fields, context: Context): string {
    if (step.A_Star) return '.*';
    if (step.String) return `.${quoteAfterDot(text(step))}`;
    return this.A_Indices(step.A_Indices, context);
  }

  override A_Indices(node: Fields, context: Context): string {
    const lower = node.lidx ? this.expression(node.lidx, context) : '';
    const upper = node.uidx ? this.expression(node.uidx, context) : '';
    return node.is_slice ? `[${lower}:${upper}]` : `[${upper}]`;
  }

  override A_ArrayExpr(node: Fields, context: Context): string {
    return `ARRAY[${this.expressions(node.elements, context)}]`;
  }

  override RowExpr(node: Fields, context: Context): string {
    const args = this.expressions(node.args, context);
    return node.row_format === 'COERCE_IMPLICIT_CAST' && (node.args?.length ?? 0) > 1 ? `(${args})` : `ROW(${args})`;
  }

  override CaseExpr(node: Fields, context: Context): string {
    const parts = ['CASE'];
    if (node.arg) parts.push(this.expression(node.arg, context));
    for (const when of node.args as Fields[]) parts.push(this.CaseWhen(when.CaseWhen, context));
    if (node.defresult) parts.push(`ELSE ${this.expression(node.defresult, context)}`);
    parts.push('END');
    return parts.join(' ');
  }

  override CaseWhen(node: Fields, context: Context): string {
    return `WHEN ${this.expression(node.expr, context)} THEN ${this.expression(node.result, context)}`;
  }

  override CoalesceExpr(node: Fields, context: Context): string {
    return `COALESCE(${this.expressions(node.args, context)})`;
  }

  override MinMaxExpr(node: Fields, context: Context): string {
    return `${node.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST'}(${this.expressions(node.args, context)})`;
  }

  override GroupingFunc(node: Fields, context: Context): string {
    return `GROUPING(${this.expressions(node.args, context)})`;
  }

  override SQLValueFunction(node: Fields, _context: Context): string {
    const words = SQL_VALUE_FUNCTIONS[node.op];
    if (!words) throw new Error(`Deparser does not handle node type: SQLValueFunction ${node.op}`);
    return String(node.op).endsWith('_N') ? `${words}(${node.typmod ?? 0})` : words;
  }

  override NamedArgExpr(node: Fields, context: Context): string {
    return `${quoteFunctionName(String(node.name))} => ${this.expression(node.arg, context)}`;
  }

  override SubLink(node: Fields, context: Context): string {
    const query = `(${this.expression(node.subselect, context)})`;
    switch (node.subLinkType) {
      case 'EXISTS_SUBLINK':
        return `EXISTS ${query}`;
      case 'EXPR_SUBLINK':
        return query;
      case 'ARRAY_SUBLINK':
        return `ARRAY${query}`;
      case 'ANY_SUBLINK':
      case 'ALL_SUBLINK': {
        if (!node.operName) return `${this.operand(node.testexpr, Level.Pattern + 1, context)} IN ${query}`;
        const quantifier = node.subLinkType === 'ANY_SUBLINK' ? 'ANY' : 'ALL';
        return `${this.operand(node.testexpr, operatorLevel(node.operName) + 1, context)} ${this.operatorName(node.operName)} ${quantifier} ${query}`;
      }
      default:
        throw new Error(`Deparser does not handle node type: SubLink ${node.subLinkType}`);
    }
  }

  override FuncCall(node: Fields, context: Context): string {
    if (node.funcformat === 'COERCE_SQL_SYNTAX') {
      // The rest (XMLEXISTS, …) as pgsql-deparser writes them: the round trip checks the result.
      return this.sqlSyntaxCall(node, context) ?? super.FuncCall(node as never, context);
    }
    const parts = nameParts(node.funcname);
    const name = parts.length === 1 && PLAIN_KEYWORD_FUNCTIONS.has(parts[0]!) ? parts[0]! : quoteQualifiedFunctionName(parts);
    const args: Fields[] = node.args ?? [];
    let inside: string;
    if (node.agg_star) inside = '*';
    else {
      inside = args.map((arg, index) => (node.func_variadic && index === args.length - 1 ? 'VARIADIC ' : '') + this.expression(arg, context)).join(', ');
      if (node.agg_distinct) inside = `DISTINCT ${inside}`;
    }
    const order = node.agg_order ? `ORDER BY ${this.sortList(node.agg_order, context)}` : '';
    let call = node.agg_within_group ? `${name}(${inside}) WITHIN GROUP (${order})` : `${name}(${inside}${order ? ` ${order}` : ''})`;
    if (node.agg_filter) call += ` FILTER (WHERE ${this.expression(node.agg_filter, context)})`;
    if (node.over) call += ` OVER ${this.windowReference(node.over, context)}`;
    return call;
  }

  /**
   * Calls the parser made from SQL syntax (`EXTRACT(… FROM …)`, `x AT TIME ZONE z`, `TRIM(…)`): each
   * written back in that syntax, or undefined when it is not one of these or its shape is not one
   * the syntax produces.
   */
  private sqlSyntaxCall(node: Fields, context: Context): string | undefined {
    const parts = nameParts(node.funcname);
    if (parts.length !== 2 || parts[0] !== 'pg_catalog' || node.agg_order || node.agg_filter || node.over || node.agg_star || node.agg_distinct || node.func_variadic) return undefined;
    const args: Fields[] = node.args ?? [];
    const arg = (index: number) => this.expression(args[index]!, context);
    switch (parts[1]) {
      case 'timezone':
        if (args.length === 2) return `${this.operand(args[1]!, Level.AtTimeZone, context)} AT TIME ZONE ${this.operand(args[0]!, Level.AtTimeZone + 1, context)}`;
        if (args.length === 1) return `${this.operand(args[0]!, Level.AtTimeZone, context)} AT LOCAL`;
        return undefined;
      case 'overlaps':
        return args.length === 4 ? `(${arg(0)}, ${arg(1)}) OVERLAPS (${arg(2)}, ${arg(3)})` : undefined;
      case 'extract': {
        const field = stringConstant(args[0]);
        if (args.length !== 2 || field === undefined) return undefined;
        return `EXTRACT(${/^[a-z]+$/.test(field) ? field : quoteString(field)} FROM ${arg(1)})`;
      }
      case 'btrim':
      case 'ltrim':
      case 'rtrim': {
        const side = parts[1] === 'btrim' ? 'BOTH' : parts[1] === 'ltrim' ? 'LEADING' : 'TRAILING';
        // `TRIM(side chars FROM source)` stores [source, chars]; `TRIM(side FROM list)` stores the list.
        if (args.length === 2) return `TRIM(${side} ${arg(1)} FROM ${arg(0)})`;
        return args.length > 0 ? `TRIM(${side} FROM ${this.expressions(args, context)})` : undefined;
      }
      case 'substring':
        if (args.length === 2) return `SUBSTRING(${arg(0)} FROM ${arg(1)})`;
        return args.length === 3 ? `SUBSTRING(${arg(0)} FROM ${arg(1)} FOR ${arg(2)})` : undefined;
      case 'position':
        return args.length === 2 ? `POSITION(${this.restrictedOperand(args[1]!, context)} IN ${this.restrictedOperand(args[0]!, context)})` : undefined;
      case 'overlay':
        if (args.length === 3) return `OVERLAY(${arg(0)} PLACING ${arg(1)} FROM ${arg(2)})`;
        return args.length === 4 ? `OVERLAY(${arg(0)} PLACING ${arg(1)} FROM ${arg(2)} FOR ${arg(3)})` : undefined;
      case 'is_normalized': {
        const form = args.length === 2 ? normalForm(args[1]) : '';
        if (form === undefined || args.length < 1 || args.length > 2) return undefined;
        return `${this.operand(args[0]!, Level.Is + 1, context)} IS ${form ? `${form} ` : ''}NORMALIZED`;
      }
      case 'normalize': {
        const form = args.length === 2 ? normalForm(args[1]) : '';
        if (form === undefined || args.length < 1 || args.length > 2) return undefined;
        return `NORMALIZE(${arg(0)}${form ? `, ${form}` : ''})`;
      }
      case 'pg_collation_for':
        return args.length === 1 ? `COLLATION FOR (${arg(0)})` : undefined;
      case 'system_user':
        return args.length === 0 ? 'SYSTEM_USER' : undefined;
      default:
        return undefined;
    }
  }

  /** Writes ORDER BY items (in a query, an aggregate or a window). */
  protected sortList(list: readonly Fields[], context: Context): string {
    return list.map((item) => this.SortBy(item.SortBy, context)).join(', ');
  }

  override SortBy(node: Fields, context: Context): string {
    let sort = this.expression(node.node, context);
    if (node.sortby_dir === 'SORTBY_ASC') sort += ' ASC';
    else if (node.sortby_dir === 'SORTBY_DESC') sort += ' DESC';
    else if (node.sortby_dir === 'SORTBY_USING') {
      const parts = nameParts(node.useOp);
      sort += ` USING ${parts.length === 1 ? parts[0] : this.operatorName(node.useOp)}`;
    }
    if (node.sortby_nulls === 'SORTBY_NULLS_FIRST') sort += ' NULLS FIRST';
    else if (node.sortby_nulls === 'SORTBY_NULLS_LAST') sort += ' NULLS LAST';
    return sort;
  }

  /** `w` or `(w PARTITION BY … ORDER BY … ROWS …)`, after OVER. */
  protected windowReference(window: Fields, context: Context): string {
    const onlyName = window.name && !window.refname && !window.partitionClause && !window.orderClause && !(window.frameOptions & FRAME.NONDEFAULT);
    return onlyName ? quoteIdentifier(String(window.name)) : `(${this.windowSpecification(window, context)})`;
  }

  /** The inside of a window's parentheses: existing window, PARTITION BY, ORDER BY, frame. */
  protected windowSpecification(window: Fields, context: Context): string {
    const parts: string[] = [];
    if (window.refname) parts.push(quoteIdentifier(String(window.refname)));
    if (window.partitionClause) parts.push(`PARTITION BY ${this.expressions(window.partitionClause, context)}`);
    if (window.orderClause) parts.push(`ORDER BY ${this.sortList(window.orderClause, context)}`);
    const frame = this.frame(window, context);
    if (frame) parts.push(frame);
    return parts.join(' ');
  }

  /** The frame clause from `frameOptions` (FRAMEOPTION_* of parsenodes.h) and the two offsets. */
  private frame(window: Fields, context: Context): string {
    const options = Number(window.frameOptions ?? 0);
    if (!(options & FRAME.NONDEFAULT)) return '';
    const mode = options & FRAME.ROWS ? 'ROWS' : options & FRAME.GROUPS ? 'GROUPS' : 'RANGE';
    // An offset is an expression before PRECEDING/FOLLOWING: parenthesised unless it is an atom.
    const offset = (node: Fields) => this.operand(node, Level.Atom, context);
    const start =
      options & FRAME.START_UNBOUNDED_PRECEDING ? 'UNBOUNDED PRECEDING'
      : options & FRAME.START_UNBOUNDED_FOLLOWING ? 'UNBOUNDED FOLLOWING'
      : options & FRAME.START_CURRENT_ROW ? 'CURRENT ROW'
      : options & FRAME.START_OFFSET_PRECEDING ? `${offset(window.startOffset)} PRECEDING`
      : `${offset(window.startOffset)} FOLLOWING`;
    let frame = `${mode} ${start}`;
    if (options & FRAME.BETWEEN) {
      const end =
        options & FRAME.END_UNBOUNDED_PRECEDING ? 'UNBOUNDED PRECEDING'
        : options & FRAME.END_UNBOUNDED_FOLLOWING ? 'UNBOUNDED FOLLOWING'
        : options & FRAME.END_CURRENT_ROW ? 'CURRENT ROW'
        : options & FRAME.END_OFFSET_PRECEDING ? `${offset(window.endOffset)} PRECEDING`
        : `${offset(window.endOffset)} FOLLOWING`;
      frame = `${mode} BETWEEN ${start} AND ${end}`;
    }
    if (options & FRAME.EXCLUDE_CURRENT_ROW) frame += ' EXCLUDE CURRENT ROW';
    else if (options & FRAME.EXCLUDE_GROUP) frame += ' EXCLUDE GROUP';
    else if (options & FRAME.EXCLUDE_TIES) frame += ' EXCLUDE TIES';
    return frame;
  }
}

/** FRAMEOPTION_* bits of PostgreSQL's parsenodes.h, as `WindowDef.frameOptions` holds them. */
const FRAME = {
  NONDEFAULT: 0x1,
  ROWS: 0x4,
  GROUPS: 0x8,
  BETWEEN: 0x10,
  START_UNBOUNDED_PRECEDING: 0x20,
  END_UNBOUNDED_PRECEDING: 0x40,
  START_UNBOUNDED_FOLLOWING: 0x80,
  END_UNBOUNDED_FOLLOWING: 0x100,
  START_CURRENT_ROW: 0x200,
  END_CURRENT_ROW: 0x400,
  START_OFFSET_PRECEDING: 0x800,
  END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000,
  END_OFFSET_FOLLOWING: 0x4000,
  EXCLUDE_CURRENT_ROW: 0x8000,
  EXCLUDE_GROUP: 0x10000,
  EXCLUDE_TIES: 0x20000,
} as const;

/** NFC, NFD, NFKC or NFKD from the constant IS … NORMALIZED and NORMALIZE store; undefined otherwise. */
function normalForm(node: Fields | undefined): string | undefined {
  const form = stringConstant(node);
  return form !== undefined && /^NFK?[CD]$/.test(form) ? form : undefined;
}

/**
 * Whether an expression, as written, fits the grammar's `b_expr`: atoms, casts, signs, and
 * arithmetic or other operators (not comparisons) over operands that fit too or are parenthesised.
 */
function isRestrictedExpression(node: Fields): boolean {
  const level = levelOf(node);
  if (level >= Level.Unary) {
    if (!node.A_Expr) return true;
    const operand: Fields = node.A_Expr.rexpr;
    return levelOf(operand) < Level.Unary || isRestrictedExpression(operand);
  }
  const expression: Fields | undefined = node.A_Expr;
  if (!expression || expression.kind !== 'AEXPR_OP' || level < Level.Operator) return false;
  const fits = (operand: Fields, minimum: number) => levelOf(operand) < minimum || isRestrictedExpression(operand);
  if (!expression.lexpr) return fits(expression.rexpr, Level.Operator + 1);
  return fits(expression.lexpr, level) && fits(expression.rexpr, level + 1);
}
