import { describe, expect, it } from 'vitest';
import { redactError, redactText } from '../../functions/platform/redact.ts';

describe('Function: redactText', () => {
  it('masks e-mail addresses', () => {
    expect(redactText('orders of Jane.Doe+x@mail.example.co.uk last month')).toBe('orders of [email] last month');
  });

  it('masks long digit runs, grouped or not', () => {
    expect(redactText('card 4111 1111 1111 1111, account 12345678, phone 020-7946-0958')).toBe('card [number], account [number], phone [number]');
  });

  it('keeps years, dates, year ranges and small figures', () => {
    expect(redactText('top 10 products between 2023-01-01 and 2024-12-31, 2023-2024, in 2025')).toBe(
      'top 10 products between 2023-01-01 and 2024-12-31, 2023-2024, in 2025',
    );
  });

  it('cuts very long text', () => {
    expect(redactText('a'.repeat(1000)).length).toBeLessThanOrEqual(301);
  });
});

describe('Function: redactError', () => {
  it('redacts the message and the causes\' messages, and keeps the stack frames', () => {
    const error = new Error('lookup failed for bob@example.com', { cause: new Error('row 99999999') });

    const redacted = redactError(error);

    expect(redacted).toMatchObject({ name: 'Error', message: 'lookup failed for [email]', cause: { message: 'row [number]' } });
    expect(JSON.stringify(redacted)).not.toContain('bob@example.com');
    expect(String(redacted.stack)).toMatch(/at /);
  });
});
