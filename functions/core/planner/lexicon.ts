/**
 * The planner's vocabulary: every phrase of the catalog (metrics, dimensions, values, grains) plus
 * the words of intent (top, each, share, growth, …), matched longest-first over the tokens.
 */
import { DIMENSIONS, METRICS, TIME_GRAINS, UNAVAILABLE, VALUE_GROUPS } from '../catalog/catalog.ts';
import type { DimensionRef } from './semantic-query.ts';
import { tokenize } from './tokenizer.ts';

/** Words that say how to read a question rather than what to compute. */
export type Keyword =
  | 'top' | 'bottom' | 'each' | 'by' | 'per' | 'share' | 'ratio' | 'growth' | 'change' | 'points' | 'compare'
  | 'mom' | 'qoq' | 'yoy' | 'wow' | 'running' | 'rank' | 'average' | 'more' | 'at-least' | 'less' | 'at-most'
  | 'signup' | 'first-purchase' | 'purchase' | 'negation' | 'both' | 'from' | 'to' | 'and' | 'which' | 'combined'
  | 'count' | 'active' | 'write' | 'percent' | 'than' | 'names' | 'ids' | 'future' | 'why';

/** What a phrase means. A phrase may mean several things ("customers": a metric or a dimension). */
export type Concept =
  | { readonly type: 'metric'; readonly name: string }
  | { readonly type: 'metric-hint'; readonly name: string }
  | { readonly type: 'dimension'; readonly ref: DimensionRef }
  | { readonly type: 'value'; readonly dimension: string; readonly values: readonly string[]; readonly group: boolean }
  | { readonly type: 'keyword'; readonly keyword: Keyword }
  | { readonly type: 'unavailable'; readonly label: string }
  | { readonly type: 'filler' };

const KEYWORDS: Record<Keyword, readonly string[]> = {
  top: ['top', 'highest', 'most', 'best', 'biggest', 'largest', 'greatest', 'leading', 'maximum', 'max', 'strongest', 'peak', 'record', 'best performing', 'top performing', 'highest grossing', 'number one', 'busiest', 'most popular', 'popular', 'heaviest', 'largest number of', 'the most', 'most of', 'fastest', 'quickest', 'fastest growing'],
  bottom: ['bottom', 'lowest', 'least', 'fewest', 'worst', 'smallest', 'weakest', 'minimum', 'poorest', 'worst performing', 'slowest', 'quietest', 'least popular', 'lowest grossing'],
  each: ['each', 'every', 'for each', 'for every', 'in each', 'in every', 'within each', 'within every', 'per each', 'within', 'for all'],
  by: ['by', 'across', 'broken down by', 'broken out by', 'split by', 'breakdown by', 'grouped by', 'group by', 'broken down', 'breakdown', 'split', 'for the different', 'segmented by'],
  per: ['per'],
  share: ['share', 'percentage', 'proportion', 'fraction', 'mix', 'contribution', 'contributed', 'contribute', 'pct', 'portion', 'percentage of', 'what percent', 'percent of', 'accounted for', 'account for', 'how much of'],
  percent: ['percent', 'in percent', 'as a percentage', 'in percentage', 'percentage terms', 'in percentage terms', 'as a percent'],
  ratio: ['ratio', 'ratio of', 'relative to', 'divided by', 'times', 'multiple of'],
  growth: ['growth', 'grow', 'grew', 'grown', 'growing', 'increase', 'increased', 'increases', 'rise', 'rose', 'risen', 'decline', 'declined', 'decrease', 'decreased', 'drop', 'dropped', 'fell', 'fall', 'shrink', 'shrank', 'improved', 'improve', 'improvement', 'percent change', 'percentage change', 'growth rate', 'gained', 'expanded'],
  change: ['change', 'changed', 'changes', 'delta', 'difference', 'differ', 'gap', 'swing', 'movement'],
  points: ['percentage points', 'points', 'pp', 'pts', 'percentage point'],
  compare: ['vs', 'versus', 'compared', 'compare', 'comparison', 'compared to', 'compared with', 'against', 'side by side', 'next to', 'relative', 'and also', 'alongside'],
  mom: ['month over month', 'mom', 'month on month', 'from the previous month', 'vs the previous month', 'versus the previous month', 'compared with the previous month', 'previous month', 'prior month', 'month before'],
  qoq: ['quarter over quarter', 'qoq', 'quarter on quarter', 'previous quarter', 'prior quarter', 'quarter before'],
  yoy: ['year over year', 'yoy', 'year on year', 'vs last year', 'versus last year', 'compared to last year', 'compared with last year', 'prior year', 'a year earlier', 'a year before', 'year before', 'year ago', 'a year ago'],
  wow: ['week over week', 'wow', 'week on week', 'previous week', 'prior week'],
  running: ['running total', 'running', 'cumulative', 'cumulatively', 'running sum', 'accumulated', 'cumulated', 'to date total'],
  rank: ['rank', 'ranking', 'rankings', 'ranked', 'position', 'rank order'],
  average: ['average', 'avg', 'mean', 'typical', 'the average', 'an average'],
  more: ['more than', 'over', 'above', 'greater than', 'exceeding', 'exceeded', 'exceed', 'exceeds', 'higher than', 'bigger than', 'larger than', 'better than', 'beyond', 'in excess of', 'upwards of', 'more', 'higher'],
  'at-least': ['at least', 'minimum of', 'or more', 'no less than', 'no fewer than'],
  less: ['less than', 'fewer than', 'under', 'below', 'lower than', 'smaller than', 'worse than', 'beneath', 'less', 'fewer', 'lower'],
  'at-most': ['at most', 'maximum of', 'or less', 'or fewer', 'no more than', 'up to'],
  signup: ['signed up', 'sign up', 'signup', 'signups', 'sign ups', 'registered', 'registration', 'registrations', 'joined', 'onboarded', 'account creation', 'created their account', 'created an account', 'new accounts', 'new sign ups', 'new signups', 'enrolled', 'signing up'],
  'first-purchase': ['first purchase', 'first ever purchase', 'first ever', 'first order', 'first time', 'for the first time', 'first time buyers', 'first time customers', 'new customers', 'new customer', 'new buyers', 'newly acquired customers', 'first purchases', 'first bought', 'first sale'],
  purchase: ['bought', 'buy', 'buying', 'purchased', 'purchase', 'purchases', 'purchasing', 'made a purchase', 'made purchases', 'make a purchase', 'placed an order', 'placed orders', 'ordered', 'shopped', 'transacted', 'bought something', 'buy anything', 'buy something', 'bought anything', 'came back', 'returned', 'repeat'],
  negation: ['not', 'nothing', 'no', 'never', 'without', 'none', 'but not', 'nor'],
  both: ['both', 'as well as', 'again'],
  from: ['from', 'came from', 'come from', 'comes from', 'coming from', 'generated by', 'contributed by', 'attributable to', 'due to'],
  to: ['to'],
  and: ['and', 'or', 'plus'],
  which: ['which', 'what', 'who', 'whose'],
  combined: ['combined', 'together', 'in total', 'altogether', 'total of', 'overall', 'aggregate'],
  count: ['how many', 'number of', 'count of', 'count', 'total number of', 'no of', 'amount of'],
  active: ['active', 'active customers', 'active buyers'],
  write: ['delete', 'drop', 'truncate', 'insert', 'update', 'alter', 'grant', 'revoke', 'erase', 'wipe', 'remove', 'modify', 'overwrite', 'destroy', 'reset', 'create table', 'set', 'rename'],
  names: ['name', 'names', 'named', 'called', 'customer name', 'customer names', 'who are they', 'email', 'emails', 'email address', 'email addresses', 'e mail', 'contact details'],
  ids: ['id', 'ids', 'customer id', 'customer ids', 'identifier', 'identifiers', 'number'],
  than: ['than'],
  future: ['forecast', 'forecasts', 'forecasted', 'forecasting', 'predict', 'predicts', 'predicted', 'prediction', 'predictions', 'projection', 'projections', 'projected', 'project', 'will be', 'will we', 'going to be', 'are we going to', 'expected to', 'next year', 'next quarter', 'next month', 'next week', 'in the future', 'upcoming', 'estimate', 'estimated', 'extrapolate'],
  why: ['why', 'explain', 'explanation', 'reason', 'reasons', 'cause', 'caused', 'causes', 'root cause', 'what drove', 'drivers of', 'driven by', 'because', 'how come',
    'should we', 'should i', 'how can we', 'how do we', 'how could we', 'what can we do', 'recommend', 'recommendation', 'recommendations', 'advice', 'advise', 'suggest', 'suggestion', 'suggestions', 'strategy', 'is it good', 'good or bad'],
};

/** Words that carry no meaning of their own here; they neither help nor hurt confidence. */
export const STOPWORDS = new Set(('a an the of in on for at as is are was were be been being do does did done doing we our ours us i me my you your they their them it its this that these those there here ' +
  'show list give tell get got find display report please can could would will should shall may might must let know see want need like ' +
  'what how much many when where with within into onto up down out off over about all any some total totals value values amount amounts figure figures ' +
  'number numbers data breakdown so far than then also along respectively just only etc ones one sum summary overall including include ' +
  'each every make made making come came bring brought generate generated have has had having look looking view chart graph table ' +
  'please thanks thank kindly hi hello hey company business firm us from by to and or both which who whom whose whats what s per ' +
  'during throughout across period periods time times side level levels split result results performance performed perform ' +
  'achieve achieved stats statistics kpi kpis metric metrics measure figure trend trends overview broken down out grouped group ' +
  'sort sorted ordered descending ascending order highest lowest first last actually exactly roughly approximately around ' +
  'give me list of is there are there did we do we rank ranked while along against vs versus between among amongst across it ' +
  'month year quarter week day much its his her their theirs own same other others another respective corresponding given ' +
  'name together also still yet ever every full whole entire range date dates calendar fiscal new total based').split(/\s+/));

/** A phrase of the vocabulary: its tokens and what it may mean. */
export interface LexiconEntry {
  readonly tokens: readonly string[];
  readonly concepts: readonly Concept[];
}

function phraseTokens(phrase: string): string[] {
  return tokenize(phrase).map((t) => t.text);
}

/** Builds the vocabulary from the catalog once; longest phrases first. */
export function buildLexicon(): LexiconEntry[] {
  const entries = new Map<string, { tokens: string[]; concepts: Concept[] }>();
  const add = (phrase: string, concept: Concept): void => {
    const tokens = phraseTokens(phrase);
    if (tokens.length === 0) return;
    const key = tokens.join(' ');
    const entry = entries.get(key) ?? { tokens, concepts: [] };
    if (!entry.concepts.some((c) => JSON.stringify(c) === JSON.stringify(concept))) entry.concepts.push(concept);
    entries.set(key, entry);
  };
  for (const metric of METRICS) {
    for (const s of [metric.name.replaceAll('_', ' '), ...metric.synonyms]) add(s, { type: 'metric', name: metric.name });
    for (const s of metric.hints ?? []) add(s, { type: 'metric-hint', name: metric.name });
  }
  for (const dimension of DIMENSIONS) {
    for (const s of dimension.synonyms) add(s, dimension.name === 'customer_name' ? { type: 'keyword', keyword: 'names' } : { type: 'dimension', ref: { kind: 'dimension', name: dimension.name } });
    for (const value of dimension.values) for (const s of [value.value, ...value.synonyms]) add(s, { type: 'value', dimension: dimension.name, values: [value.value], group: false });
  }
  for (const group of VALUE_GROUPS) for (const s of group.synonyms) add(s, { type: 'value', dimension: group.dimension, values: group.values, group: true });
  for (const grain of TIME_GRAINS) for (const s of grain.synonyms) add(s, { type: 'dimension', ref: { kind: 'time', grain: grain.name } });
  for (const subject of UNAVAILABLE) for (const s of subject.synonyms) add(s, { type: 'unavailable', label: subject.label });
  for (const [keyword, phrases] of Object.entries(KEYWORDS) as [Keyword, readonly string[]][]) for (const p of phrases) add(p, { type: 'keyword', keyword });
  return [...entries.values()].sort((a, b) => b.tokens.length - a.tokens.length);
}
