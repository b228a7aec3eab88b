/** Locations in the repository the CDK app builds from, independent of the working directory. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder of package.json and package-lock.json). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** An absolute path from a repository-relative one. */
export function fromRoot(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}
