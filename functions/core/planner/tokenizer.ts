/**
 * Splits a question into lower-case tokens the planner can match against the catalog's phrases:
 * hyphens and slashes become spaces ("mid-market" = "mid market"), thousands separators and
 * magnitude suffixes are folded into numbers, ISO dates stay whole, possessives are dropped.
 */

/** One word, number or date of a question, with its position and whether it sat in parentheses. */
export interface Token {
  readonly text: string;
  readonly kind: 'word' | 'number' | 'date';
  /** For numbers: the value, with "1,000", "1.5k", "2 million" folded in. */
  readonly value?: number;
  readonly index: number;
  /** Inside parentheses: a clarification, weighed less when unknown. */
  readonly parenthetical: boolean;
  /** Written with a thousands separator or a magnitude ("2,000", "2k"): an amount, never a year. */
  readonly amount?: boolean;
}

const NUMBER_WORDS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30 };
const MAGNITUDES: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6, mn: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };

/** Tokenizes a question; never throws. */
export function tokenize(question: string): Token[] {
  let text = question.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/[\u2013\u2014]/g, ' - ');
  text = text.replace(/\b(can|won|don|didn|doesn|isn|aren|wasn|weren|haven|hasn|hadn|shouldn|wouldn|couldn)'t\b/g, (_m, w: string) => `${w === 'can' ? 'can' : w === 'won' ? 'will' : w.slice(0, -1)} not`);
  text = text.replace(/'s\b/g, '').replace(/s'(?=\s|$)/g, 's').replace(/'/g, '');
  const separated = new Set([...text.matchAll(/\b\d{1,3}(?:,\d{3})+\b/g)].map((m) => m[0].replaceAll(',', '')));
  text = text.replace(/(\d),(\d{3})\b/g, '$1$2').replace(/(\d),(\d{3})\b/g, '$1$2');
  text = text.replace(/&/g, ' and ').replace(/%/g, ' percent ').replace(/\$/g, ' ').replace(/\+/g, ' plus ');
  const raw: { text: string; parenthetical: boolean }[] = [];
  let depth = 0;
  const pattern = /\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?[a-z]*|[a-z][a-z0-9]*|[()]/g;
  for (const match of text.matchAll(pattern)) {
    const piece = match[0];
    if (piece === '(') { depth += 1; continue; }
    if (piece === ')') { depth = Math.max(0, depth - 1); continue; }
    raw.push({ text: piece, parenthetical: depth > 0 });
  }
  const tokens: Token[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const { text: piece, parenthetical } = raw[i]!;
    const index = tokens.length;
    if (/^\d{4}-\d{2}-\d{2}$/.test(piece)) { tokens.push({ text: piece, kind: 'date', index, parenthetical }); continue; }
    const number = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(piece);
    if (number) {
      const value = Number(number[1]);
      const suffix = number[2] ?? '';
      if (suffix === '') {
        const next = raw[i + 1]?.text;
        if (next && next in MAGNITUDES && next.length > 2) { tokens.push({ text: piece, kind: 'number', value: value * MAGNITUDES[next]!, index, parenthetical }); i += 1; continue; }
        tokens.push({ text: piece, kind: 'number', value, index, parenthetical, ...(separated.has(piece) ? { amount: true } : {}) });
        continue;
      }
      if (suffix in MAGNITUDES) { tokens.push({ text: piece, kind: 'number', value: value * MAGNITUDES[suffix]!, index, parenthetical }); continue; }
      if (/^(st|nd|rd|th)$/.test(suffix)) { tokens.push({ text: piece, kind: 'number', value, index, parenthetical }); continue; }
      tokens.push({ text: piece, kind: 'word', index, parenthetical });
      continue;
    }
    if (piece in NUMBER_WORDS) { tokens.push({ text: piece, kind: 'number', value: NUMBER_WORDS[piece]!, index, parenthetical }); continue; }
    tokens.push({ text: piece, kind: 'word', index, parenthetical });
  }
  return tokens;
}
