/**
 * Cuts business documents into passages a prompt can take (about 100–250 words) without losing
 * what makes a passage answerable: a chunk never ends inside a sentence, a list item, a table row
 * or a code block, and it carries the path of headings it sits under ("Metric definitions > 2.
 * Revenue"), so "the 5% rule" still says which policy it belongs to. Pure: text in, chunks out.
 */

/** How a document is written: Markdown (headings, lists, tables, code fences) or plain text. */
export type DocumentFormat = 'markdown' | 'text';

/** A document to cut: its name (as search results will show it) and its whole text. */
export interface SourceDocument {
  /** The name hits carry: a path relative to the ingested folder, or `catalog:<kind>:<name>`. */
  readonly doc: string;
  readonly content: string;
  /** Defaults from the name: `.md`/`.markdown` are Markdown, anything else plain text. */
  readonly format?: DocumentFormat;
  /** A title to use when the text has none of its own (plain text without a heading line). */
  readonly title?: string;
}

/** One passage of a document, ready to index and to put in a prompt. */
export interface DocumentChunk {
  readonly doc: string;
  /** Position of the chunk in its document, from 0. */
  readonly ordinal: number;
  /** Headings the passage sits under, outermost first; the document title is the first. */
  readonly headings: readonly string[];
  /** Headings of further sections merged into this chunk because they were too short alone. */
  readonly extraHeadings: readonly string[];
  /** The passage itself, without the heading line. */
  readonly body: string;
  /** What a prompt (and a search hit) shows: the heading path on one line, then the body. */
  readonly text: string;
  readonly wordCount: number;
}

/** Sizes, in words. The defaults suit a prompt that takes five to ten passages. */
export interface ChunkingOptions {
  /** A section longer than `maxWords` is split into parts of about this size. */
  readonly targetWords?: number;
  /** No chunk grows beyond this, unless one sentence, row or code block alone is longer. */
  readonly maxWords?: number;
  /** A section shorter than this is merged with a neighbouring section of the same document. */
  readonly minWords?: number;
  /** A continuation repeats the previous chunk's last sentence when it is at most this long. */
  readonly overlapWords?: number;
}

const DEFAULTS: Required<ChunkingOptions> = { targetWords: 170, maxWords: 250, minWords: 30, overlapWords: 45 };

type BlockKind = 'paragraph' | 'list' | 'table' | 'code' | 'lines';

interface Block {
  readonly kind: BlockKind;
  readonly lines: string[];
}

interface Section {
  readonly path: string[];
  readonly blocks: Block[];
}

/** The smallest piece a chunk boundary may fall between. */
interface Unit {
  readonly text: string;
  readonly words: number;
  readonly block: number;
  /** How this unit joins the previous unit of the same block. */
  readonly joiner: string;
  /** Re-emitted when a chunk starts in the middle of the block (a table header, a list's lead-in). */
  readonly prefix: string | undefined;
  /** Whether repeating this unit at the start of the next chunk helps (sentences and items do). */
  readonly overlappable: boolean;
}

/** Cuts one document into chunks. Empty documents give no chunks. */
export function chunkDocument(source: SourceDocument, options: ChunkingOptions = {}): DocumentChunk[] {
  const settings = { ...DEFAULTS, ...options };
  const format = source.format ?? formatOf(source.doc);
  const fallbackTitle = source.title ?? titleFromName(source.doc);
  const sections =
    format === 'markdown' ? parseMarkdown(source.content, fallbackTitle) : parseText(source.content, fallbackTitle);

  const drafts: Draft[] = [];
  for (const section of sections) {
    if (section.blocks.length === 0) continue;
    const parts = packSection(section, settings);
    for (const units of parts) {
      drafts.push({ headings: section.path, extraHeadings: [], parts: [renderUnits(units)], whole: parts.length === 1 });
    }
  }
  const merged = mergeShortDrafts(mergeSiblingSections(drafts, settings), settings);
  return merged.map((draft, ordinal) => {
    const body = draft.parts.join('\n\n');
    const headingLine = draft.headings.join(' > ');
    const text = headingLine ? `${headingLine}\n\n${body}` : body;
    return {
      doc: source.doc,
      ordinal,
      headings: draft.headings,
      extraHeadings: draft.extraHeadings,
      body,
      text,
      wordCount: countWords(body),
    };
  });
}

/** Markdown for `.md`/`.markdown` names, plain text otherwise. */
export function formatOf(doc: string): DocumentFormat {
  return /\.(md|markdown)$/i.test(doc) ? 'markdown' : 'text';
}

/** "data-refresh-schedule-2023.txt" → "data refresh schedule 2023": a title for untitled text. */
export function titleFromName(doc: string): string {
  const name = (doc.split(/[\\/:]/).pop() ?? doc).replace(/\.[a-z0-9]+$/i, '');
  return name.replace(/[-_]+/g, ' ').trim() || doc;
}

export function countWords(text: string): number {
  const matches = text.match(/\S+/g);
  return matches ? matches.length : 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const FENCE = /^\s*(```|~~~)/;
const ATX = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/;

function parseMarkdown(content: string, fallbackTitle: string): Section[] {
  const lines = stripFrontMatter(content.replace(/\r\n?/g, '\n')).split('\n');
  const sections: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let current: Section = { path: [fallbackTitle], blocks: [] };
  let hasTitle = false;
  let buffer: string[] = [];

  const flushBuffer = (): void => {
    if (buffer.length > 0) current.blocks.push(...splitBlocks(buffer, 'markdown'));
    buffer = [];
  };
  const open = (level: number, title: string): void => {
    flushBuffer();
    if (current.blocks.length > 0) sections.push(current);
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title });
    if (level === 1 && !hasTitle) hasTitle = true;
    const path = stack.map((entry) => entry.title);
    // The document title heads every path, even when the text starts at a lower heading level.
    if (!hasTitle || stack[0]!.level !== 1) path.unshift(fallbackTitle);
    current = { path, blocks: [] };
  };

  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) inFence = !inFence;
    if (!inFence) {
      const atx = ATX.exec(line);
      if (atx && !FENCE.test(line)) {
        open(atx[1]!.length, cleanHeading(atx[2]!));
        continue;
      }
      const next = lines[i + 1];
      if (next !== undefined && line.trim() && !LIST_ITEM.test(line) && !line.trim().startsWith('|')) {
        const prevBlank = i === 0 || !lines[i - 1]!.trim();
        if (prevBlank && /^\s*=+\s*$/.test(next)) {
          open(1, cleanHeading(line));
          i++;
          continue;
        }
        if (prevBlank && /^\s*-{3,}\s*$/.test(next)) {
          open(2, cleanHeading(line));
          i++;
          continue;
        }
      }
    }
    buffer.push(line);
  }
  flushBuffer();
  if (current.blocks.length > 0) sections.push(current);
  return sections;
}

function stripFrontMatter(text: string): string {
  if (!text.startsWith('---\n')) return text;
  const end = text.indexOf('\n---', 4);
  return end < 0 ? text : text.slice(text.indexOf('\n', end + 1) + 1);
}

function cleanHeading(text: string): string {
  return text
    .replace(/[*`]+/g, '')
    .replace(/(^|\s)_+|_+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function parseText(content: string, fallbackTitle: string): Section[] {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const paragraphs: string[][] = [];
  let currentLines: string[] = [];
  for (const line of lines) {
    if (line.trim()) currentLines.push(line);
    else if (currentLines.length > 0) {
      paragraphs.push(currentLines);
      currentLines = [];
    }
  }
  if (currentLines.length > 0) paragraphs.push(currentLines);

  let title = fallbackTitle;
  const first = paragraphs[0];
  if (first && isTextHeading(first[0]!, true)) {
    title = cleanTextHeading(first[0]!);
    first.shift();
    if (first.length === 0) paragraphs.shift();
  }

  const sections: Section[] = [];
  let current: Section = { path: [title], blocks: [] };
  for (const paragraph of paragraphs) {
    const head = paragraph[0]!;
    if (isTextHeading(head, false)) {
      if (current.blocks.length > 0) sections.push(current);
      current = { path: [title, cleanTextHeading(head)], blocks: [] };
      paragraph.shift();
      if (paragraph.length === 0) continue;
    }
    current.blocks.push(...splitBlocks(paragraph, 'text'));
  }
  if (current.blocks.length > 0) sections.push(current);
  return sections;
}

const SEPARATOR_HEADING = /^\s*-{3,}\s*(.+?)\s*-{3,}\s*$/;

/**
 * A line that reads as a heading in plain text: a separator with a label ("---- Forwarded
 * message ----"), or a short line in capitals ("3. LATE INVOICES"). At the top of a file a short
 * line in capitals is the title.
 */
function isTextHeading(line: string, atTop: boolean): boolean {
  const trimmed = line.trim();
  if (SEPARATOR_HEADING.test(trimmed)) return !atTop;
  const letters = trimmed.replace(/[^\p{L}]/gu, '');
  if (letters.length < 3 || countWords(trimmed) > 12) return false;
  return letters === letters.toUpperCase() && !/[.,;]$/.test(trimmed);
}

function cleanTextHeading(line: string): string {
  const separator = SEPARATOR_HEADING.exec(line.trim());
  return (separator ? separator[1]! : line).replace(/\s+/g, ' ').trim();
}

/** Splits lines (without headings) into blocks: blank lines separate, fences and tables hold. */
function splitBlocks(lines: string[], format: DocumentFormat): Block[] {
  const blocks: Block[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) blocks.push(...classify(pending, format));
    pending = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (format === 'markdown' && FENCE.test(line)) {
      flush();
      const code = [line];
      for (i++; i < lines.length; i++) {
        code.push(lines[i]!);
        if (FENCE.test(lines[i]!)) break;
      }
      blocks.push({ kind: 'code', lines: code });
      continue;
    }
    if (!line.trim()) flush();
    else pending.push(line);
  }
  flush();
  return blocks;
}

/** One run of non-blank lines may hold several kinds (a table right after its caption line). */
function classify(lines: string[], format: DocumentFormat): Block[] {
  const blocks: Block[] = [];
  let start = 0;
  const kindOf = (line: string): 'table' | 'other' =>
    format === 'markdown' && line.trim().startsWith('|') ? 'table' : 'other';
  // A list that follows its lead-in line without a blank line ("Change history:" then "- ...").
  const listStarts = (i: number): boolean =>
    LIST_ITEM.test(lines[i]!) && !LIST_ITEM.test(lines[i - 1]!) && !/^\s/.test(lines[i - 1]!) && i - start >= 1 && !LIST_ITEM.test(lines[start]!);
  for (let i = 1; i <= lines.length; i++) {
    if (i === lines.length || kindOf(lines[i]!) !== kindOf(lines[start]!) || (kindOf(lines[i]!) === 'other' && listStarts(i))) {
      const run = lines.slice(start, i);
      blocks.push(kindOf(lines[start]!) === 'table' ? { kind: 'table', lines: run } : { kind: proseKind(run), lines: run });
      start = i;
    }
  }
  return blocks;
}

function proseKind(lines: string[]): BlockKind {
  if (LIST_ITEM.test(lines[0]!)) return 'list';
  if (lines.length >= 2) {
    const unpunctuated = lines.filter((line) => !/[.!?:;,]["')]?\s*$/.test(line.trim())).length;
    if (unpunctuated / lines.length >= 0.6 && lines.every((line) => countWords(line) <= 16)) return 'lines';
  }
  return 'paragraph';
}

// ---------------------------------------------------------------------------------------------
// Units and packing

function unitsOf(block: Block, index: number, leadIn: string | undefined): Unit[] {
  const make = (text: string, joiner: string, prefix: string | undefined, overlappable: boolean): Unit => ({
    text,
    words: countWords(text),
    block: index,
    joiner,
    prefix,
    overlappable,
  });
  switch (block.kind) {
    case 'code':
      return [make(block.lines.join('\n'), '\n', undefined, false)];
    case 'table': {
      const header = block.lines.slice(0, 2).join('\n');
      const rows = block.lines.slice(2);
      if (rows.length === 0) return [make(header, '\n', undefined, false)];
      return [make(header + '\n' + rows[0]!, '\n', undefined, false), ...rows.slice(1).map((row) => make(row, '\n', header, false))];
    }
    case 'list': {
      const items: string[] = [];
      for (const line of block.lines) {
        if (LIST_ITEM.test(line) || items.length === 0) items.push(line.trimEnd());
        else items[items.length - 1] += ' ' + line.trim();
      }
      return items.map((item) => make(item, '\n', leadIn, true));
    }
    case 'lines':
      return block.lines.map((line) => make(line.trimEnd(), '\n', undefined, true));
    case 'paragraph': {
      const text = block.lines.map((line) => line.trim()).join(' ');
      return splitSentences(text).map((sentence) => make(sentence, ' ', undefined, true));
    }
  }
}

function packSection(section: Section, settings: Required<ChunkingOptions>): Unit[][] {
  const units: Unit[] = [];
  section.blocks.forEach((block, index) => {
    const previous = section.blocks[index - 1];
    const leadIn =
      block.kind === 'list' && previous?.kind === 'paragraph' && /:\s*$/.test(previous.lines.join(' ')) && countWords(previous.lines.join(' ')) <= settings.overlapWords
        ? previous.lines.map((line) => line.trim()).join(' ')
        : undefined;
    units.push(...unitsOf(block, index, leadIn));
  });
  const total = units.reduce((sum, unit) => sum + unit.words, 0);
  if (total <= settings.maxWords) return [units];

  // Balanced parts: a 300-word section becomes two of about 150, not one of 250 and one of 50.
  const parts = Math.ceil(total / settings.targetWords);
  const goal = Math.min(settings.maxWords, Math.ceil(total / parts));
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let words = 0;
  let fresh = 0; // words in `current` that are not overlap or re-emitted context
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    const startsBlock = current.length > 0 && unit.block !== current[current.length - 1]!.block;
    const full = words + unit.words > settings.maxWords || (words >= goal && fresh > 0) || (startsBlock && words >= goal * 0.7);
    if (current.length > 0 && fresh >= settings.minWords && full) {
      chunks.push(current);
      const last = current[current.length - 1]!;
      current = [];
      words = 0;
      if (last.block === unit.block && unit.prefix) {
        current.push({ ...last, text: unit.prefix, words: countWords(unit.prefix), overlappable: false, joiner: '\n' });
        words += current[0]!.words;
      }
      if (last.overlappable && last.words <= settings.overlapWords && words + last.words + unit.words <= settings.maxWords) {
        current.push(last);
        words += last.words;
      }
      fresh = 0;
    }
    current.push(unit);
    words += unit.words;
    fresh += unit.words;
  }
  if (current.length > 0) {
    if (fresh < settings.minWords && chunks.length > 0) {
      const previous = chunks[chunks.length - 1]!;
      const previousWords = previous.reduce((sum, unit) => sum + unit.words, 0);
      const extra = current.filter((unit) => !previous.includes(unit));
      if (previousWords + extra.reduce((sum, unit) => sum + unit.words, 0) <= settings.maxWords + settings.minWords) {
        previous.push(...extra);
        return chunks;
      }
    }
    chunks.push(current);
  }
  return chunks;
}

function renderUnits(units: Unit[]): string {
  let out = '';
  let previous: Unit | undefined;
  for (const unit of units) {
    if (previous === undefined) out = unit.text;
    else if (previous.block === unit.block) out += unit.joiner + unit.text;
    else out += '\n\n' + unit.text;
    previous = unit;
  }
  return out;
}

interface Draft {
  headings: readonly string[];
  extraHeadings: string[];
  parts: string[];
  /** The draft holds a whole section (not one part of a section split for size). */
  whole: boolean;
}

const wordsOf = (draft: Draft): number => draft.parts.reduce((sum, part) => sum + countWords(part), 0);
const parentOf = (headings: readonly string[]): string => headings.slice(0, -1).join('\u0000');

/**
 * Short sibling sections ("8. Purchasing customers", "9. Active customer", each fifty words) are
 * put together up to the target size, each under its own heading line: a passage of one short
 * definition is too little context for a prompt, and neighbours in a document are related.
 */
function mergeSiblingSections(drafts: Draft[], settings: Required<ChunkingOptions>): Draft[] {
  const out: Draft[] = [];
  let group: Draft[] = [];
  const flush = (): void => {
    if (group.length === 1) out.push(group[0]!);
    else if (group.length > 1) {
      const titles = group.map((draft) => draft.headings[draft.headings.length - 1]!);
      out.push({
        headings: group[0]!.headings.slice(0, -1),
        extraHeadings: titles,
        parts: group.map((draft, index) => `${titles[index]}\n${draft.parts.join('\n\n')}`),
        whole: false,
      });
    }
    group = [];
  };
  for (const draft of drafts) {
    const joinable = draft.whole && draft.headings.length > 1;
    const first = group[0];
    if (
      joinable &&
      first &&
      parentOf(first.headings) === parentOf(draft.headings) &&
      group.reduce((sum, member) => sum + wordsOf(member), 0) + wordsOf(draft) <= settings.targetWords
    ) {
      group.push(draft);
      continue;
    }
    flush();
    if (joinable) group.push(draft);
    else out.push(draft);
  }
  flush();
  return out;
}

/**
 * A section of one line ("## Contact" and a sentence) is a poor search hit alone: it joins the
 * chunk before it (or after it) in the same document, keeping its own heading as a line of text.
 */
function mergeShortDrafts(drafts: Draft[], settings: Required<ChunkingOptions>): Draft[] {
  const out: Draft[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const draft = drafts[i]!;
    const size = wordsOf(draft);
    if (size >= settings.minWords) {
      out.push(draft);
      continue;
    }
    const heading = draft.headings[draft.headings.length - 1] ?? '';
    const previous = out[out.length - 1];
    const next = drafts[i + 1];
    const within = (other: Draft): boolean =>
      draft.headings.every((title, index) => other.headings[index] === title);
    const labelFor = (other: Draft): string =>
      other.headings.includes(heading) ? draft.parts.join('\n\n') : `${heading}\n${draft.parts.join('\n\n')}`;
    const fits = (other: Draft): boolean => wordsOf(other) + size <= settings.maxWords;
    if (previous && draft.headings.length > 1 && parentOf(previous.headings) === parentOf(draft.headings) && fits(previous)) {
      previous.parts.push(labelFor(previous));
      previous.extraHeadings.push(heading);
    } else if (next && (parentOf(next.headings) === parentOf(draft.headings) || within(next)) && fits(next)) {
      // `next` keeps its own path; the short section's heading travels inside the text.
      next.parts.unshift(labelFor(next));
      if (!next.headings.includes(heading)) next.extraHeadings.unshift(heading);
    } else {
      out.push(draft);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sentences

const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'mr', 'mrs', 'ms', 'dr', 'no', 'nr', 'approx', 'incl', 'excl', 'inc', 'ltd',
  'co', 'corp', 'st', 'fig', 'cf', 'u.s', 'u.k', 'a.m', 'p.m', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'ca', 'resp', 'dept', 'est', 'max', 'min', 'vol', 'ref',
]);

/**
 * Splits a paragraph into sentences at ". ", "! " or "? " before a capital, a digit or an opening
 * quote, but not after a known abbreviation ("e.g.", "No.") or an initial ("J. Smith").
 */
export function splitSentences(paragraph: string): string[] {
  const text = paragraph.trim();
  if (!text) return [];
  const sentences: string[] = [];
  let start = 0;
  const boundary = /[.!?]["')\]]*\s+(?=["'(\[`*]?[\p{Lu}\p{N}])/gu;
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    const before = text.slice(start, match.index + 1);
    const lastWord = /(\S+)$/.exec(before)?.[1] ?? '';
    const bare = lastWord.replace(/^["'(\[`*]+/, '').replace(/[.!?"')\]]+$/, '').toLowerCase();
    if (text[match.index] === '.' && (ABBREVIATIONS.has(bare) || /^\p{L}$/u.test(bare))) continue;
    sentences.push(text.slice(start, end).trim());
    start = end;
  }
  if (start < text.length) sentences.push(text.slice(start).trim());
  return sentences.filter((sentence) => sentence.length > 0);
}
