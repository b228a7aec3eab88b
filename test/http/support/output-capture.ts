/**
 * Captures what Powertools writes to stdout/stderr (JSON log lines, EMF metric blobs) so tests can
 * assert on it, and keeps it off the test runner's terminal.
 */
import { vi, type MockInstance } from 'vitest';

export interface CapturedOutput {
  /** Every line written since the capture started (or was last cleared). */
  lines(): string[];
  /** The lines that are JSON objects, parsed. */
  json(): Record<string, unknown>[];
  /** EMF metric blobs: JSON lines with an `_aws` member. */
  metrics(): Record<string, unknown>[];
  /** Log records: JSON lines with a `level` and a `message`. */
  logs(): Record<string, unknown>[];
  text(): string;
  clear(): void;
  restore(): void;
}

/** Starts capturing both streams. Call `restore()` in `afterEach`/`afterAll`. */
export function captureOutput(): CapturedOutput {
  let buffer = '';
  const record = (chunk: unknown) => {
    buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    return true;
  };
  const spies: MockInstance[] = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record as never),
    vi.spyOn(process.stderr, 'write').mockImplementation(record as never),
  ];
  const lines = () => buffer.split('\n').filter((line) => line.trim() !== '');
  const json = () =>
    lines().flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  return {
    lines,
    json,
    metrics: () => json().filter((record) => '_aws' in record),
    logs: () => json().filter((record) => 'level' in record && 'message' in record),
    text: () => buffer,
    clear: () => {
      buffer = '';
    },
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
