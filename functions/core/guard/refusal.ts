/**
 * A guard rule broken: thrown by the checks, turned into a refusal verdict at the guard's boundary.
 * `rule` is stable (callers and the planner branch on it); the message names the table, column or
 * function at fault, so a person — or a planner repairing its query — can act on it.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly rule: GuardRule,
    message: string,
  ) {
    super(message);
  }
}

/** The guard's rules, one name each. */
export type GuardRule =
  | 'empty'
  | 'too_long'
  | 'syntax'
  | 'single_statement'
  | 'read_only'
  | 'relation'
  | 'column'
  | 'function'
  | 'cast'
  | 'region_scope'
  | 'complexity'
  | 'cost'
  | 'plan'
  | 'round_trip';
