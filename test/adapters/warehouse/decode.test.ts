import { describe, expect, it } from 'vitest';
import { QueryFailedError, QueryTimeoutError, WarehouseUnavailableError } from '../../../functions/core/errors.ts';
import { classifyOid, classifyTypeName, decodeNumber, decodeTimestamp } from '../../../functions/adapters/warehouse/decode.ts';
import { mapDriverError } from '../../../functions/adapters/warehouse/map-error.ts';
import { decodeField, mapRdsDataError } from '../../../functions/adapters/warehouse/rds-data.ts';

describe('Module: decode', () => {
  it('classifies PostgreSQL types coarsely, by OID and by name', () => {
    expect([20, 1700, 701, 1082, 1184, 16, 25, 114].map(classifyOid)).toEqual([
      'number', 'number', 'number', 'date', 'timestamp', 'boolean', 'text', 'other',
    ]);
    expect(classifyTypeName('NUMERIC')).toBe('number');
    expect(classifyTypeName('serial')).toBe('number');
    expect(classifyTypeName(undefined)).toBe('other');
  });

  it('turns timestamptz with any offset into UTC ISO text, and leaves timestamp local', () => {
    expect(decodeTimestamp('2024-06-30 23:59:59.123456+00', true)).toBe('2024-06-30T23:59:59.123456Z');
    expect(decodeTimestamp('2024-01-01 01:30:00+02', true)).toBe('2023-12-31T23:30:00Z');
    expect(decodeTimestamp('2024-01-01 01:30:00-05:30', true)).toBe('2024-01-01T07:00:00Z');
    expect(decodeTimestamp('2024-01-01 01:30:00', true)).toBe('2024-01-01T01:30:00Z');
    expect(decodeTimestamp('2024-01-01 01:30:00', false)).toBe('2024-01-01T01:30:00');
    expect(decodeTimestamp('infinity', true)).toBe('infinity');
  });

  it('gives JSON-safe numbers', () => {
    expect(decodeNumber('12345678901234.56')).toBe(12345678901234.56);
    expect(decodeNumber('NaN')).toBeNull();
    expect(decodeNumber('Infinity')).toBeNull();
  });

  it('decodes Data API fields by their column type', () => {
    expect(decodeField({ stringValue: '2577.90' }, { typeName: 'numeric' })).toBe(2577.9);
    expect(decodeField({ stringValue: '2024-12-31' }, { typeName: 'date' })).toBe('2024-12-31');
    expect(decodeField({ longValue: 3 }, { typeName: 'int8' })).toBe(3);
    expect(decodeField({ isNull: true }, { typeName: 'text' })).toBeNull();
    expect(decodeField({ booleanValue: false }, { typeName: 'bool' })).toBe(false);
  });
});

describe('Module: map-error', () => {
  it('maps by SQLSTATE class', () => {
    expect(mapDriverError({ code: '57014', message: 'canceling statement due to statement timeout' })).toBeInstanceOf(QueryTimeoutError);
    expect(mapDriverError({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' })).toBeInstanceOf(QueryFailedError);
    expect(mapDriverError({ code: '57P03', message: 'the database system is starting up' })).toBeInstanceOf(WarehouseUnavailableError);
    expect(mapDriverError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' })).toBeInstanceOf(WarehouseUnavailableError);
  });

  it('says plainly that a write or command is not a query', () => {
    const error = mapDriverError({ code: '42601', message: 'syntax error at or near "DELETE"' });
    expect(error.message).toMatch(/queries only/);
  });

  it('reads the SQLSTATE out of a Data API DatabaseErrorException', () => {
    const error = Object.assign(new Error('ERROR: permission denied for table customers; SQLState: 42501'), { name: 'DatabaseErrorException' });
    const mapped = mapRdsDataError(error, 1000);
    expect(mapped).toBeInstanceOf(QueryFailedError);
    expect(mapped.details).toEqual({ sqlState: '42501', postgresMessage: 'permission denied for table customers' });
  });

  it('maps the Data API’s own timeout and service states', () => {
    expect(mapRdsDataError(Object.assign(new Error('x'), { name: 'StatementTimeoutException' }), 1000)).toBeInstanceOf(QueryTimeoutError);
    const resuming = mapRdsDataError(Object.assign(new Error('x'), { name: 'DatabaseResumingException' }), 1000);
    expect(resuming).toBeInstanceOf(WarehouseUnavailableError);
    expect((resuming as WarehouseUnavailableError).retryAfterSeconds).toBe(15);
  });
});
