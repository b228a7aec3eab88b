/**
 * Personal data stays out of logs: questions may carry names, e-mail addresses, phone or account
 * numbers. We log a redacted form of free text (enough to debug a planner miss) and never rows.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** Five or more digits, possibly grouped by spaces, dots or dashes (phone, card, account numbers). */
const DIGIT_RUN = /\d(?:[\s.-]?\d){4,}/g;
/** Dates and year ranges are what questions are made of, and identify no one: they stay. */
const DATE_LIKE = /^(?:(?:19|20)\d\d-\d\d-\d\d|(?:19|20)\d\d\s*[-\s]\s*(?:19|20)\d\d)$/;
const MAX_LOGGED_CHARS = 300;

/**
 * Masks e-mail addresses and long digit runs, and cuts the text to a few hundred characters.
 * Years ("2024"), dates ("2024-12-31"), year ranges ("2023-2024") and small figures survive, so a
 * redacted question still reads as a question.
 *
 * @example
 * redactText('sales for jane@example.com, account 1234 5678') // 'sales for [email], account [number]'
 */
export function redactText(text: string): string {
  const masked = text.replace(EMAIL, '[email]').replace(DIGIT_RUN, (run) => (DATE_LIKE.test(run) ? run : '[number]'));
  return masked.length > MAX_LOGGED_CHARS ? `${masked.slice(0, MAX_LOGGED_CHARS)}…` : masked;
}

/** An error reduced to what a log needs, with its message (and its causes' messages) redacted. */
export function redactError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: redactText(String(error)) };
  const message = redactText(error.message);
  const stack = error.stack?.split('\n').slice(1).join('\n');
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(stack ? { stack } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: redactError(error.cause, depth + 1) } : {}),
  };
}
