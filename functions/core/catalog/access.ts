/**
 * Which role may read what (contract section 2), as the catalog sees it: the offline planner refuses
 * early with a reason a person understands, before the guard has to.
 */
import { ROLES, type Role } from '../principal.ts';

/** True when `role` is at least as wide as `needed`. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Columns hidden from a role, by table; everything else in schema `sales` is readable. */
export const HIDDEN_COLUMNS: Readonly<Record<Role, Readonly<Record<string, readonly string[]>>>> = {
  viewer: { sales_transactions: ['cost'], customers: ['customer_name', 'email'] },
  analyst: { customers: ['customer_name', 'email'] },
  admin: {},
};
