/**
 * cdk-nag's AwsSolutions pack over the whole app, per stage: zero unacknowledged findings, and
 * every acknowledgement carries a reason. (bin/app.ts also registers the pack as a synth-time
 * validation, so `cdk synth` fails on a new finding too.)
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../lib/config.ts';
import { synthesize } from './support/synth.ts';

describe('cdk-nag: AwsSolutions', () => {
  it.each(STAGES)('finds nothing unacknowledged in %s', (stage) => {
    const { app } = synthesize(stage);
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a reason of at least a sentence', () => {
    const { app } = synthesize('dev');
    const acknowledged = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
