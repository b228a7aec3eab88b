/**
 * Command-line options: one table of every flag, parsed strictly per command so that a misspelt
 * flag is an error a person sees, not a silently ignored word.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isCalendarDate } from '../../functions/core/calendar-date.ts';
import { isRole, type Principal, type Role } from '../../functions/core/principal.ts';
import { UsageError } from './errors.ts';

const FLAGS = {
  data: { type: 'string' },
  jsonl: { type: 'boolean' },
  json: { type: 'boolean' },
  role: { type: 'string' },
  regions: { type: 'string' },
  'as-of': { type: 'string' },
  port: { type: 'string' },
  k: { type: 'string' },
  seed: { type: 'string' },
  rows: { type: 'string' },
  customers: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'database-url': { type: 'string' },
  sub: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type Flag = keyof typeof FLAGS;
export type Flags = { [K in Flag]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Parses `args` allowing only `allowed` flags (plus `--help`). */
export function parseCommandLine(args: string[], allowed: readonly Flag[]): { flags: Flags; positionals: string[] } {
  const options = Object.fromEntries([...allowed, 'help'].map((name) => [name, FLAGS[name as Flag]]));
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { flags: values as Flags, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** A whole number option within bounds, or its default. */
export function integerFlag(value: string | undefined, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const number = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  }
  return number;
}

/** A `YYYY-MM-DD` calendar date option. */
export function dateFlag(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) throw new UsageError(`--${name} must be a date as YYYY-MM-DD; got "${value}"`);
  return value;
}

/** The principal a command acts for: `--role` (default viewer) and `--regions A,B`. */
export function principalFrom(role: unknown, regions: unknown, subject = 'cli'): Principal {
  const resolvedRole: Role = role === undefined || role === null ? 'viewer' : checkedRole(role);
  const scope = regionList(regions);
  return scope ? { subject, role: resolvedRole, regions: scope } : { subject, role: resolvedRole };
}

function checkedRole(role: unknown): Role {
  if (!isRole(role)) throw new UsageError(`role must be one of viewer, analyst, admin; got ${JSON.stringify(role)}`);
  return role;
}

function regionList(regions: unknown): string[] | undefined {
  if (regions === undefined || regions === null) return undefined;
  const list = typeof regions === 'string' ? regions.split(',') : regions;
  if (!Array.isArray(list) || !list.every((r) => typeof r === 'string')) {
    throw new UsageError('regions must be a list of region names');
  }
  const names = list.map((r: string) => r.trim()).filter((r) => r !== '');
  if (names.length === 0) throw new UsageError('regions, when given, must name at least one region');
  return names;
}
