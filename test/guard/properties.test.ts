import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_COLUMNS } from '../../functions/core/catalog/access.ts';
import { loadParser, parseSql } from '../../functions/core/guard/postgres-parser.ts';
import { WAREHOUSE_COLUMNS } from '../../functions/core/guard/schema.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';
import { ROLES, type Role } from '../../functions/core/principal.ts';

/**
 * Property-based specification of the guard: queries built only from what a role may read stay
 * allowed, whatever their shape; one forbidden element planted anywhere in them gets them refused.
 */

const guard = new PostgresSqlGuard({ maxRows: 500 });
const RUNS = { numRuns: 150 };

type Table = keyof typeof WAREHOUSE_COLUMNS & string;
const TABLES = Object.keys(WAREHOUSE_COLUMNS) as Table[];

const readable = (role: Role, table: Table): string[] =>
  WAREHOUSE_COLUMNS[table]!.filter((column) => !(HIDDEN_COLUMNS[role][table] ?? []).includes(column));
const hidden = (role: Role): [Table, string][] =>
  Object.entries(HIDDEN_COLUMNS[role]).flatMap(([table, columns]) => columns.map((column) => [table as Table, column] as [Table, string]));

/** Join paths of the warehouse, on keys every role may read. */
const JOINS: readonly { left: Table; right: Table; key: string }[] = [
  { left: 'sales_transactions', right: 'regions', key: 'region_id' },
  { left: 'sales_transactions', right: 'products', key: 'product_id' },
  { left: 'sales_transactions', right: 'customers', key: 'customer_id' },
  { left: 'sales_transactions', right: 'customer_segments', key: 'segment_id' },
  { left: 'customers', right: 'regions', key: 'region_id' },
  { left: 'customers', right: 'customer_segments', key: 'segment_id' },
];

const NUMERIC = new Set(['units', 'sales', 'cost', 'list_price', 'region_id', 'product_id', 'customer_id', 'segment_id', 'transaction_id']);
const ALIASES = ['t', 'x', 'src', 'a1', '"Q"', 'lhs'];
const OUTPUT_NAMES = ['total', 'n', 'value_1', 'label', '"Mixed Case"', 'metric'];

interface Source {
  readonly table: Table;
  readonly alias: string;
}

interface Query {
  readonly role: Role;
  readonly sources: readonly Source[];
  readonly joinKey?: string;
  readonly joinStyle: 'on' | 'using';
  readonly items: readonly { readonly expression: string; readonly name?: string }[];
  readonly grouped: boolean;
  readonly where?: string;
  readonly orderBy: readonly string[];
  readonly wrap: 'none' | 'subquery' | 'cte';
}

const POSITIONS = ['select', 'where', 'join', 'group', 'order', 'subquery', 'cte', 'argument'] as const;
type Position = (typeof POSITIONS)[number];

interface Plant {
  readonly position: Position;
  /** Builds the forbidden expression for the query it goes into. */
  readonly expression: (query: Query) => string;
  readonly rule: string;
  readonly label: string;
}

// ---- generators --------------------------------------------------------------------------------

const columnOf = (role: Role, source: Source) => fc.constantFrom(...readable(role, source.table)).map((column) => ({ source, column }));

function queryOf(role: Role): fc.Arbitrary<Query> {
  const sourcesArb = fc.oneof(
    fc.record({ table: fc.constantFrom(...TABLES), alias: fc.constantFrom(...ALIASES) }).map((source) => ({ sources: [source] as Source[], joinKey: undefined as string | undefined })),
    fc.record({ join: fc.constantFrom(...JOINS), swap: fc.boolean(), aliases: fc.uniqueArray(fc.constantFrom(...ALIASES), { minLength: 2, maxLength: 2 }) }).map(({ join, swap, aliases }) => {
      const [first, second] = swap ? [join.right, join.left] : [join.left, join.right];
      return { sources: [{ table: first, alias: aliases[0]! }, { table: second, alias: aliases[1]! }], joinKey: join.key };
    }),
  );
  return sourcesArb.chain(({ sources, joinKey }) => {
    const column = fc.constantFrom(...sources).chain((source) => columnOf(role, source));
    const reference = column.map(({ source, column: name }) => `${source.alias}.${name}`);
    const aggregate = fc
      .tuple(fc.constantFrom('sum', 'min', 'max', 'avg', 'count'), column)
      .map(([fn, { source, column: name }]) => (fn === 'sum' || fn === 'avg') && !NUMERIC.has(name) ? `count(${source.alias}.${name})` : `${fn}(${source.alias}.${name})`);
    return fc
      .record({
        joinStyle: fc.constantFrom('on' as const, 'using' as const),
        grouped: fc.boolean(),
        keys: fc.uniqueArray(reference, { minLength: 1, maxLength: 3 }),
        measures: fc.array(fc.oneof(aggregate, fc.constant('count(*)')), { minLength: 1, maxLength: 2 }),
        names: fc.uniqueArray(fc.constantFrom(...OUTPUT_NAMES), { minLength: 5, maxLength: 5 }),
        named: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        where: fc.option(reference.map((ref) => `${ref} is not null`), { nil: undefined }),
        order: fc.array(fc.constantFrom('ordinal', 'name', 'expression'), { maxLength: 2 }),
        wrap: fc.constantFrom('none' as const, 'subquery' as const, 'cte' as const),
      })
      .map(({ joinStyle, grouped, keys, measures, names, named, where, order, wrap }) => {
        const expressions = grouped ? [...keys, ...measures] : keys;
        const items = expressions.map((expression, index) => (named[index] ? { expression, name: names[index]! } : { expression }));
        const orderBy = order.map((kind, index) => {
          const position = index % items.length;
          const item = items[position]!;
          if (kind === 'ordinal') return String(position + 1);
          if (kind === 'name' && item.name) return item.name;
          return item.expression;
        });
        return { role, sources, joinKey, joinStyle: joinKey ? joinStyle : 'on', items, grouped, where, orderBy, wrap } satisfies Query;
      });
  });
}

const roleAndQuery = fc.constantFrom(...ROLES).chain((role) => queryOf(role));

// ---- rendering ---------------------------------------------------------------------------------

/** The SQL of `query`, with `plant`'s forbidden expression at its position when given. */
function render(query: Query, plant?: { position: Position; expression: string }): string {
  const at = (position: Position) => (plant?.position === position ? plant.expression : undefined);
  const [first, second] = query.sources;
  let from = `sales.${first!.table} ${first!.alias}`;
  if (second) {
    if (query.joinStyle === 'using' && !at('join')) {
      from += ` join sales.${second.table} ${second.alias} using (${query.joinKey})`;
    } else {
      const extra = at('join') ? ` and ${at('join')} is not null` : '';
      from += ` join sales.${second.table} ${second.alias} on ${first!.alias}.${query.joinKey} = ${second.alias}.${query.joinKey}${extra}`;
    }
  }
  const items = query.items.map((item) => (item.name ? `${item.expression} as ${item.name}` : item.expression));
  if (at('select')) items.push(`${at('select')} as planted`);
  if (at('argument')) items.push(`coalesce(${at('argument')}, null) as planted`);
  const conditions = [query.where, at('where') && `${at('where')} is not null`, at('subquery') && `exists (select ${at('subquery')})`];
  if (!second && at('join')) conditions.push(`${at('join')} is not null`);
  const where = conditions.filter(Boolean);
  const groupBy = query.grouped ? query.items.filter((item) => !/\(/.test(item.expression)).map((item) => item.expression) : [];
  if (at('group')) groupBy.push(at('group')!);
  const orderBy = [...query.orderBy];
  if (at('order')) orderBy.push(at('order')!);

  let sql = `select ${items.join(', ')} from ${from}`;
  if (where.length > 0) sql += ` where ${where.join(' and ')}`;
  if (groupBy.length > 0) sql += ` group by ${groupBy.join(', ')}`;
  if (orderBy.length > 0) sql += ` order by ${orderBy.join(', ')}`;

  const planted = at('cte') ? `planted as (select ${at('cte')} as v), ` : '';
  switch (query.wrap) {
    case 'subquery':
      return `${planted ? `with ${planted.slice(0, -2)} ` : ''}select * from (${sql}) as inner_query`;
    case 'cte':
      return `with ${planted}body as (${sql}) select * from body`;
    default:
      return `${planted ? `with ${planted.slice(0, -2)} ` : ''}${sql}`;
  }
}

// ---- what to plant -----------------------------------------------------------------------------

const position = fc.constantFrom(...POSITIONS);

/** A hidden column of the role: through an alias in scope when its table is there, else a subquery. */
function hiddenPlants(role: Role): fc.Arbitrary<Plant>[] {
  const columns = hidden(role);
  if (columns.length === 0) return [];
  return [
    fc.tuple(position, fc.constantFrom(...columns), fc.constantFrom('direct', 'subquery', 'whole-row')).map(([where, [table, column], form]) => ({
      position: where,
      rule: 'column',
      label: `${table}.${column} (${form})`,
      expression: (query: Query) => {
        const inScope = query.sources.find((source) => source.table === table);
        if (form === 'direct' && inScope && where !== 'cte') return `${inScope.alias}.${column}`;
        if (form === 'whole-row') return `(select count(h) from sales.${table} h)`;
        return `(select max(h.${column}) from sales.${table} h)`;
      },
    })),
  ];
}

const FUNCTIONS = ["pg_read_file('/etc/passwd')", 'pg_sleep(1)', "set_config('role', 'postgres', false)", "current_setting('data_directory')", 'pg_backend_pid()'];
const RELATIONS = [
  '(select count(*) from pg_catalog.pg_authid)',
  '(select max(usename) from pg_user)',
  '(select count(*) from information_schema.tables)',
  '(select max(secret) from public.api_keys)',
  '(select count(*) from ops.audit_log)',
];

function plantFor(role: Role): fc.Arbitrary<Plant> {
  return fc.oneof(
    ...hiddenPlants(role),
    fc.tuple(position, fc.constantFrom(...FUNCTIONS)).map(([where, call]) => ({ position: where, rule: 'function', label: call, expression: () => call })),
    fc.tuple(position, fc.constantFrom(...RELATIONS)).map(([where, read]) => ({ position: where, rule: 'relation', label: read, expression: () => read })),
  );
}

// ---- properties --------------------------------------------------------------------------------

beforeAll(async () => {
  await loadParser();
});

describe('Property: PostgresSqlGuard.check', () => {
  it('allows any query built only from columns the role may read', async () => {
    await fc.assert(
      fc.asyncProperty(roleAndQuery, async (query) => {
        const sql = render(query);
        const verdict = await guard.check(sql, { subject: 'property', role: query.role });
        if (!verdict.allowed) throw new Error(`${query.role} refused: ${verdict.reason}\n${sql}`);
        expect(parseSql(verdict.sql).stmts).toHaveLength(1);
      }),
      RUNS,
    );
  });

  it('refuses the query once a forbidden column, function or relation is planted anywhere in it', async () => {
    const planted = fc.constantFrom(...ROLES).chain((role) => fc.tuple(queryOf(role), plantFor(role)));
    await fc.assert(
      fc.asyncProperty(planted, async ([query, plant]) => {
        const sql = render(query, { position: plant.position, expression: plant.expression(query) });
        const verdict = await guard.check(sql, { subject: 'property', role: query.role });
        if (verdict.allowed) throw new Error(`${query.role} allowed ${plant.label} at ${plant.position}:\n${sql}`);
        expect(verdict.rule, `${plant.label} at ${plant.position}: ${verdict.reason}\n${sql}`).toBe(plant.rule);
      }),
      RUNS,
    );
  });

  it('refuses the query once a writing statement is planted in a CTE', async () => {
    const writes = fc.constantFrom(
      'delete from sales.regions returning region_id',
      "update sales.products set list_price = 0 returning product_id",
      "insert into sales.customer_segments values (9, 'x') returning segment_id",
    );
    await fc.assert(
      fc.asyncProperty(roleAndQuery, writes, async (query, write) => {
        const sql = render(query).replace(/^(with )?/, (prefix) => `with w as (${write})${prefix ? ', ' : ' '}`);
        const verdict = await guard.check(sql, { subject: 'property', role: query.role });
        if (verdict.allowed) throw new Error(`allowed a write in a CTE:\n${sql}`);
        expect(verdict.rule).toBe('read_only');
      }),
      { numRuns: 50 },
    );
  });
});
