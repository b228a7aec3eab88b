import { BiAgentError } from '../../functions/core/errors.ts';

/** A message a person can act on: the domain error's own, never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof BiAgentError) return error.message;
  if (error instanceof Error && error.name === 'BatchInputError') return error.message;
  if (error instanceof Error && error.name === 'UsageError') return error.message;
  return `internal error (${error instanceof Error ? error.name : typeof error}); run with BI_AGENT_DEBUG=1 for details`;
}

/** Wrong words on the command line: the message and the usage are printed, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
