/**
 * Renders the catalog as text: one description for LLM planners' prompts, and one short document per
 * entry for retrieval (`catalog:<kind>:<name>`), so prompts and search say what the planner does.
 */
import type { ContextHit } from '../ports.ts';
import { DIMENSIONS, JOIN_PATHS, TIME_GRAINS, VALUE_GROUPS } from './dimensions.ts';
import { EXAMPLE_QUERIES } from './examples.ts';
import { METRICS } from './metrics.ts';

const plain = (expression: string): string => expression.replaceAll('{f}', '');

/** The whole catalog as Markdown, for a planner's system prompt. */
export function renderCatalog(): string {
  const lines: string[] = ['# Semantic catalog of schema `sales`', '', 'Fact table: `sales.sales_transactions t` (one row per order line).', '', '## Metrics'];
  for (const m of METRICS) {
    lines.push(`- ${m.name} (${m.label}): \`${plain(m.expression)}\`. ${m.description} Synonyms: ${m.synonyms.join(', ')}. Role: ${m.role}+.`);
  }
  lines.push('', '## Dimensions');
  for (const d of DIMENSIONS) {
    const values = d.values.map((v) => `${v.value} (${v.synonyms.join(', ')})`).join('; ');
    lines.push(`- ${d.name}: \`${d.column}\`. ${d.description} Role: ${d.role}+.${values ? ` Values: ${values}.` : ''}`);
  }
  for (const g of VALUE_GROUPS) lines.push(`- "${g.synonyms.join('", "')}" means ${d2(g.dimension)} in (${g.values.join(', ')}).`);
  lines.push('', '## Time grains (weeks start on Monday)');
  for (const g of TIME_GRAINS) lines.push(`- ${g.name}: \`${g.expression.replaceAll('{date}', 't.sale_date')}\``);
  lines.push('', '## Joins');
  for (const j of JOIN_PATHS) lines.push(`- ${j.table} ${j.alias} ON ${j.fromTransactions}`);
  lines.push('', '## Examples');
  for (const e of EXAMPLE_QUERIES) lines.push(`- Q: ${e.question}`, `  SQL: ${e.sql}`);
  return lines.join('\n');
}

function d2(name: string): string {
  return DIMENSIONS.find((d) => d.name === name)?.column ?? name;
}

/** One retrievable chunk per metric, dimension and example, in the shape of retrieved context. */
export function catalogDocuments(): ContextHit[] {
  const docs: ContextHit[] = [];
  for (const m of METRICS) {
    docs.push({ doc: `catalog:metric:${m.name}`, text: `${m.label}: ${m.description} SQL: ${plain(m.expression)}. Also called: ${m.synonyms.join(', ')}.`, score: 0 });
  }
  for (const d of DIMENSIONS) {
    const values = d.values.map((v) => `${v.value} (${v.synonyms.join(', ')})`).join('; ');
    docs.push({ doc: `catalog:dimension:${d.name}`, text: `${d.label}: ${d.description} Column ${d.column}. Also called: ${d.synonyms.join(', ')}.${values ? ` Values: ${values}.` : ''}`, score: 0 });
  }
  EXAMPLE_QUERIES.forEach((e, i) => docs.push({ doc: `catalog:example:${i + 1}`, text: `${e.question}\n${e.sql}`, score: 0 }));
  return docs;
}
