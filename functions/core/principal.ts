/** The roles of the contract, narrowest first. */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who a request acts for: a Cognito user or a partner API key, reduced to what the guard and the
 * planner need. `regions` absent means every region; present, only rows of those regions.
 */
export interface Principal {
  /** Stable, non-personal identifier used in logs and audit (a Cognito `sub`, a partner key id). */
  readonly subject: string;
  readonly role: Role;
  readonly regions?: readonly string[];
}

/** The widest of several roles (a user in several Cognito groups). */
export function widestRole(roles: readonly string[]): Role {
  let widest: Role = 'viewer';
  for (const role of roles) {
    const index = ROLES.indexOf(role as Role);
    if (index > ROLES.indexOf(widest)) widest = ROLES[index] as Role;
  }
  return widest;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
