/**
 * Lexical analysis shared by indexing and querying: one tokenizer and one term normalizer, so a
 * word in a question and the same word in a document always meet on the same index term. Light by
 * design (no dictionary, no model): lowercase, split on anything that is not a letter or a digit,
 * drop stop words, fold the common English suffixes so "refund", "refunds" and "refunded" (or
 * "margin" and "margins") are one term.
 */

/**
 * Words too common to say what a passage is about. Question words are here too: "how is X
 * defined" must rank on X, not on "how".
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'above', 'after', 'again', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as',
  'at', 'be', 'been', 'being', 'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does', 'doing',
  'each', 'either', 'else', 'etc', 'for', 'from', 'further', 'had', 'has', 'have', 'having', 'he',
  'her', 'here', 'hers', 'him', 'his', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'itself',
  'just', 'may', 'me', 'might', 'must', 'my', 'of', 'on', 'onto', 'or', 'our', 'ours', 'out',
  'own', 'shall', 'she', 'should', 'so', 'some', 'such', 'than', 'that', 'the', 'their', 'theirs',
  'them', 'then', 'there', 'these', 'they', 'this', 'those', 'through', 'to', 'too', 'us', 'very',
  'was', 'we', 'were', 'what', 'when', 'where', 'which', 'while', 'who', 'whom', 'whose', 'why',
  'will', 'with', 'would', 'you', 'your', 'yours', 'please', 'tell', 'show', 'give', 'get', 'got',
  'ok', 'okay', 'yes',
  // Conversational filler: "what happens to…", "does it make sense…", "do the
  // figures line up…", "is there no…". Documents state rules, they do not use these words to say
  // what they are about, and a question's negation is better matched by the rule's own words.
  'no', 'not', 'nor', 'up', 'happen', 'happens', 'happened', 'happening', 'anything',
  'something', 'thing', 'things', 'way', 'really', 'actually', 'exactly', 'make', 'sense', 'know',
  'want', 'wanted', 'like', 'let', 'hi', 'hello', 'thanks', 'thank', 'ever', 'kind',
]);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|(?<=\bselect\s+|\.)\*/giu;

/**
 * Splits text into raw words, in order, lowercase — except a two-letter word in capitals ("IT" in
 * "Managed IT", "US"), which keeps its case so that it is never taken for a stop word. Possessives
 * lose their `'s` ("company's" → "company"); hyphenated words become their parts ("Mid-Market" →
 * "mid", "market"). SQL's `SELECT *` and `t.*` give the word "star": "can I SELECT *" is a question
 * about a rule, and the documents that state the rule write it the same way.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize('NFKC').matchAll(WORD)) {
    if (match[0] === '*') {
      out.push('star');
      continue;
    }
    let word = match[0].replace(/['’]s$/iu, '').replace(/['’]/gu, '');
    word = stripDiacritics(word);
    if (!(word.length === 2 && /^\p{Lu}+$/u.test(word))) word = word.toLowerCase();
    if (word) out.push(word);
  }
  return out;
}

function stripDiacritics(word: string): string {
  return /[^\x00-\x7f]/.test(word) ? word.normalize('NFD').replace(/\p{M}+/gu, '') : word;
}

const VOWEL = /[aeiouy]/;
const KEEP_AS_IS = /(?:ss|us|is)$/;

/**
 * Folds one lowercase word to its index term. Rules, in order: British "-ise" spellings to "-ize";
 * plural "-ies"/"-s"; nouns in "-ition"/"-ation" to their verb's stem ("definition" meets
 * "defined"); "-ing"/"-ed"/"-ly"; a final "-e" (so "price"/"priced"/"pricing" all fold to "pric"). Numbers and short words pass unchanged. Deliberately conservative: a missed fold costs
 * a little recall, a wrong fold merges unrelated words.
 */
export function normalizeTerm(word: string): string {
  let term = word;
  if (term.length <= 3 || /\d/.test(term)) return term;
  term = term.replace(/isation(s?)$/, 'ization$1').replace(/is(e|ed|es|ing)$/, 'iz$1');
  if (term.endsWith('ies') && term.length > 4) term = term.slice(0, -3) + 'y';
  else if (term.endsWith('sses')) term = term.slice(0, -2);
  else if (term.endsWith('s') && !KEEP_AS_IS.test(term) && term.length > 3) term = term.slice(0, -1);
  const nominal = /^(.{4,}?)(?:ition|ation)$/.exec(term);
  if (nominal) return nominal[1]!;
  if (term.endsWith('ing') && term.length > 5 && VOWEL.test(term.slice(0, -3))) term = undouble(term.slice(0, -3));
  else if (term.endsWith('ied') && term.length > 4) term = term.slice(0, -3) + 'y';
  else if (term.endsWith('ed') && term.length > 4 && VOWEL.test(term.slice(0, -2))) term = undouble(term.slice(0, -2));
  else if (term.endsWith('ly') && term.length > 5 && !/(?:ily|ply)$/.test(term)) term = term.slice(0, -2);
  if (term.endsWith('e') && term.length > 3 && !term.endsWith('ee')) term = term.slice(0, -1);
  return term;
}

function undouble(stem: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** The index terms of a text, in order, stop words removed: what both the index and queries use. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = processWord(word);
    if (term) out.push(term);
  }
  return out;
}

/**
 * Index terms for MiniSearch's `processTerm`: one raw word of `words()` in, its term out (or
 * nothing for a stop word). A two-letter word in capitals is an acronym, never a stop word.
 */
export function processWord(word: string): string | null {
  const acronym = word.length === 2 && word === word.toUpperCase() && word !== word.toLowerCase();
  const lower = word.toLowerCase();
  if (!lower || (!acronym && STOP_WORDS.has(lower))) return null;
  return acronym && STOP_WORDS.has(lower) ? lower : normalizeTerm(lower);
}

/** Tokenizer for MiniSearch: the raw words of `words()`, so `processWord` sees each exactly once. */
export function tokenize(text: string): string[] {
  return words(text);
}

/** The four-digit years (1900–2099) a text names, e.g. to tell "the 2023 schedule" from today's. */
export function yearsIn(text: string): number[] {
  return [...text.matchAll(/(?<!\d)((?:19|20)\d{2})(?!\d)/g)].map((m) => Number(m[1]));
}
