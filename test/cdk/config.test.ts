import { describe, expect, it } from 'vitest';
import { BASE_DEFAULTS, ConfigError, ConfigSchema, contextOf, loadConfig, STAGE_DEFAULTS, STAGES } from '../../lib/config.ts';

describe('Function: loadConfig', () => {
  it('defaults to the dev stage', () => {
    expect(loadConfig(contextOf({})).stage).toBe('dev');
  });

  it('applies the stage defaults over the shared ones', () => {
    const dev = loadConfig(contextOf({ stage: 'dev' }));
    const prod = loadConfig(contextOf({ stage: 'prod' }));
    expect(dev.deletionProtection).toBe(false);
    expect(dev.auroraMinCapacity).toBe(0);
    expect(prod.deletionProtection).toBe(true);
    expect(prod.logRetentionDays).toBe(365);
    expect(prod.backupRetentionDays).toBe(35);
    expect(prod.maxRows).toBe(BASE_DEFAULTS.maxRows);
  });

  it('gives every stage a complete, valid configuration from defaults alone', () => {
    for (const stage of STAGES) {
      expect(() => ConfigSchema.parse({ ...BASE_DEFAULTS, ...STAGE_DEFAULTS[stage], stage })).not.toThrow();
    }
  });

  it('takes the per-stage object of cdk.json, then single keys from the command line (as strings)', () => {
    const config = loadConfig(
      contextOf({ stage: 'staging', 'biAgent:staging': { maxRows: 100, alarmEmail: 'ops@example.com' }, maxRows: '250', deletionProtection: 'false' }),
    );
    expect(config.maxRows).toBe(250);
    expect(config.alarmEmail).toBe('ops@example.com');
    expect(config.deletionProtection).toBe(false);
  });

  it('parses list settings given as JSON on the command line', () => {
    const config = loadConfig(
      contextOf({ partnerTiers: '[{"name":"gold","rateLimit":5,"burstLimit":10,"quotaLimit":500,"quotaPeriod":"WEEK"}]' }),
    );
    expect(config.partnerTiers).toEqual([{ name: 'gold', rateLimit: 5, burstLimit: 10, quotaLimit: 500, quotaPeriod: 'WEEK' }]);
  });

  it('rejects an unknown stage', () => {
    expect(() => loadConfig(contextOf({ stage: 'qa' }))).toThrow(ConfigError);
  });

  it('lists every invalid setting at once', () => {
    try {
      loadConfig(contextOf({ logRetentionDays: 10, statementTimeoutMs: 60_000, partnerTiers: [{ name: 'x', quotaPeriod: 'HOUR' }] }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join('\n');
      expect(issues).toMatch(/logRetentionDays/);
      expect(issues).toMatch(/statementTimeoutMs/);
      expect(issues).toMatch(/partnerTiers/);
    }
  });

  it('refuses a usage-plan quota period API Gateway does not have', () => {
    expect(() =>
      loadConfig(contextOf({ partnerTiers: [{ name: 'hourly', rateLimit: 1, burstLimit: 1, quotaLimit: 100, quotaPeriod: 'HOUR' }] })),
    ).toThrow(/quotaPeriod/);
  });

  it('refuses a maximum capacity below the minimum', () => {
    expect(() => loadConfig(contextOf({ auroraMinCapacity: 8, auroraMaxCapacity: 4 }))).toThrow(/auroraMaxCapacity/);
  });
});
