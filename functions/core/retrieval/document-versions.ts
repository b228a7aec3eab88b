/**
 * Policies come in editions ("discount-policy-2023.md", "discount-policy-2025.md"), schedules get
 * replaced ("data-refresh-schedule-2023.txt" by "data-refresh-schedule.md"). Both editions match
 * the same questions almost word for word, and the answer that counts is today's — unless the
 * question asks about a year. This module recognises editions from names and status lines.
 */
import { yearsIn } from './text-analysis.ts';

/** What a document says about its own edition. */
export interface DocumentVersion {
  /** Name with years and extension removed: documents of one family are editions of each other. */
  readonly family: string;
  /** The year in the name (`2025` for "discount-policy-2025.md"); absent for an undated name. */
  readonly year: number | undefined;
  /** The document declares itself superseded, retired or withdrawn near its top. */
  readonly superseded: boolean;
}

const STATUS_SUPERSEDED =
  /\bstatus\s*:?\s*\**\s*(?:superseded|retired|obsolete|withdrawn|archived|replaced)\b|\bthis (?:edition|version|document|policy|schedule) (?:is|was|has been) (?:superseded|replaced|retired|withdrawn)\b/i;

/**
 * Reads a document's edition from its name and the first lines of its text (`preamble`).
 *
 * @example versionOf('policies/discount-policy-2023.md', 'Status: SUPERSEDED.')
 *   // → { family: 'policies/discount-policy', year: 2023, superseded: true }
 */
export function versionOf(doc: string, preamble: string): DocumentVersion {
  const slash = Math.max(doc.lastIndexOf('/'), doc.lastIndexOf(':'));
  const folder = doc.slice(0, slash + 1);
  const name = doc.slice(slash + 1).replace(/\.[a-z0-9]+$/i, '');
  const year = yearsIn(name)[0];
  const stem = name
    .replace(/(?<!\d)(?:19|20)\d{2}(?!\d)/g, ' ')
    .replace(/[\s._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return { family: folder + stem, year, superseded: STATUS_SUPERSEDED.test(preamble) };
}

/** The penalty for an older edition when a newer one exists, and for a self-declared superseded one. */
export interface VersionPreferenceOptions {
  readonly olderEdition: number;
  readonly superseded: number;
  /** The current edition's factor when the question asks for an earlier one ("the old policy"). */
  readonly currentWhenHistory: number;
}

const DEFAULT_PREFERENCE: VersionPreferenceOptions = { olderEdition: 0.7, superseded: 0.8, currentWhenHistory: 0.85 };

const ASKS_FOR_HISTORY = /\b(?:old|older|previous|former|earlier|superseded|legacy|historic(?:al)?|used to|was it|retired)\b/i;

/**
 * Score multipliers that prefer the current edition of a document family. With no year in the
 * query, the newest edition keeps its score and older ones are damped; an undated edition counts
 * as current unless it says it is superseded. A query that asks for an earlier edition ("the old
 * schedule", "the previous policy") damps the newest one a little instead. A query naming a year
 * prefers the edition of that year when one exists, and otherwise leaves all editions alone. `versions` is keyed by source (any
 * stable id of a document); the result holds only the keys whose score changes.
 */
export function versionMultipliers(
  versions: ReadonlyMap<string, DocumentVersion>,
  query: string,
  options: VersionPreferenceOptions = DEFAULT_PREFERENCE,
): Map<string, number> {
  const queryYears = new Set(yearsIn(query));
  const history = ASKS_FOR_HISTORY.test(query);
  const families = new Map<string, string[]>();
  for (const [doc, version] of versions) {
    const members = families.get(version.family);
    if (members) members.push(doc);
    else families.set(version.family, [doc]);
  }
  const out = new Map<string, number>();
  for (const [doc, version] of versions) {
    let factor = 1;
    if (version.superseded && !history && queryYears.size === 0) factor = Math.min(factor, options.superseded);
    const members = families.get(version.family)!;
    if (members.length > 1) {
      const named = members.filter((member) => {
        const year = versions.get(member)!.year;
        return year !== undefined && queryYears.has(year);
      });
      if (named.length > 0) {
        if (!named.includes(doc)) factor = Math.min(factor, options.olderEdition);
      } else if (queryYears.size === 0) {
        const rank = (member: string): number => {
          const other = versions.get(member)!;
          if (other.superseded) return (other.year ?? 0) - 10_000;
          return other.year ?? Number.MAX_SAFE_INTEGER;
        };
        const newest = Math.max(...members.map(rank));
        // "the old schedule", "the previous policy": an earlier edition is asked for, so the
        // current one steps back a little; without such words the older ones do.
        if (!history && rank(doc) < newest) factor = Math.min(factor, options.olderEdition);
        else if (history && rank(doc) === newest) factor = Math.min(factor, options.currentWhenHistory);
      }
    }
    if (factor !== 1) out.set(doc, factor);
  }
  return out;
}
