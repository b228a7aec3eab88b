/**
 * cfn-lint over every stage's synthesized template: no error but the schema lags listed below.
 * cdk-nag and `cdk synth` accept property values that CloudFormation refuses at deploy time (an
 * index mapping type, an enum value); cfn-lint checks them against CloudFormation's resource
 * schemas. Its copy of the schemas is a snapshot, so where the service has moved on and cfn-lint has
 * not, the finding is listed here with the resource, the property and the reason; docs/deploy.md has
 * the command that reads the live schema in an account.
 *
 * Skipped, with a notice, where cfn-lint is not installed (`pip install cfn-lint`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, type Stage } from '../../lib/config.ts';
import { cfnLint, cfnLintVersion, type CfnLintFinding } from './support/cfn-lint.ts';
import { synthesize } from './support/synth.ts';

/** A finding cfn-lint reports although CloudFormation accepts the value. */
interface SchemaLag {
  readonly rule: string;
  readonly resourceType: string;
  /** The property path under the resource (after `Resources/<logical id>`). */
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

const SCHEMA_LAGS: readonly SchemaLag[] = [
  {
    rule: 'E3002',
    resourceType: 'AWS::CloudWatch::Dashboard',
    path: ['Properties', 'Tags'],
    reason:
      "The resource schema has Tags (aws-cdk-lib's CfnDashboard is taggable, generated from it, and the stack's " +
      'tags reach it); the schema copy in cfn-lint 1.51 predates them.',
  },
];

const version = cfnLintVersion();
if (!version) console.warn('test/cdk/cfn-lint.test.ts: cfn-lint is not installed, so the templates are not linted (pip install cfn-lint).');

/** The resource type of the finding's resource, and its path below the resource. */
function locate(finding: CfnLintFinding, template: { Resources: Record<string, { Type: string }> }) {
  const [section, logicalId, ...path] = finding.Location.Path;
  const type = section === 'Resources' ? template.Resources[String(logicalId)]?.Type : undefined;
  return { logicalId: String(logicalId), type, path };
}

function lagOf(finding: CfnLintFinding, template: { Resources: Record<string, { Type: string }> }): SchemaLag | undefined {
  const { type, path } = locate(finding, template);
  return SCHEMA_LAGS.find(
    (lag) => lag.rule === finding.Rule.Id && lag.resourceType === type && JSON.stringify(lag.path) === JSON.stringify(path),
  );
}

describe.skipIf(!version)(`cfn-lint (${version ?? 'not installed: skipped'}) on every stage's template`, () => {
  const results = new Map<Stage, { findings: CfnLintFinding[]; template: { Resources: Record<string, { Type: string }> } }>();

  beforeAll(async () => {
    // One synth per stage; each template is linted while the next stage synthesizes.
    const runs: Promise<void>[] = [];
    for (const stage of STAGES) {
      const { app, stacks, template } = synthesize(stage);
      const path = app.synth().getStackByName(stacks.main.stackName).templateFullPath;
      const json = template.toJSON() as { Resources: Record<string, { Type: string }> };
      runs.push(cfnLint(path).then((findings) => void results.set(stage, { findings, template: json })));
    }
    await Promise.all(runs);
  }, 240_000);

  it.each(STAGES)('reports no error in %s but the documented schema lags', (stage) => {
    const { findings, template } = results.get(stage)!;
    const errors = findings
      .filter((finding) => finding.Level === 'Error' && !lagOf(finding, template))
      .map((finding) => {
        const { logicalId, type } = locate(finding, template);
        return `${finding.Rule.Id} ${type ?? ''} ${logicalId} ${finding.Location.Path.slice(2).join('.')}: ${finding.Message}`;
      });
    expect(errors).toEqual([]);
  });

  it('still sees every listed lag (remove one that cfn-lint no longer reports)', () => {
    for (const lag of SCHEMA_LAGS) {
      const seen = [...results.values()].some(({ findings, template }) => findings.some((finding) => lagOf(finding, template) === lag));
      expect(seen, `${lag.rule} on ${lag.resourceType} ${lag.path.join('.')}`).toBe(true);
      expect(lag.reason.length).toBeGreaterThan(40);
    }
  });
});
