/**
 * Builds the app the way bin/app.ts does (same `createStacks`), once per stage per test file, with
 * asset bundling skipped: template assertions do not need the bundles (packaging.test.ts builds them
 * for real, as `cdk synth` does).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createStacks, type BiAgentStacks } from '../../../lib/app.ts';
import type { Stage } from '../../../lib/config.ts';

export interface Synthesized {
  readonly app: App;
  readonly stacks: BiAgentStacks;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

/** The app of `stage` (plus extra context), synthesized without bundling; memoized. */
export function synthesize(stage: Stage = 'dev', context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): Synthesized {
  const key = JSON.stringify([stage, context, options.bundle ?? false]);
  const cached = cache.get(key);
  if (cached) return cached;
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'bi-agent-cdk-')),
    context: {
      stage,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const stacks = createStacks(app);
  const synthesized = { app, stacks, template: Template.fromStack(stacks.main) };
  cache.set(key, synthesized);
  return synthesized;
}

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties?: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }> {
  return template.findResources(type) as never;
}

/** The logical id of a construct's default CloudFormation resource. */
export function logicalId(stack: { getLogicalId(element: any): string }, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** Every IAM statement attached (inline policies) to the role with `roleLogicalId`. */
export function statementsOfRole(template: Template, roleLogicalId: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties!.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => policy.Properties!.PolicyDocument.Statement);
}

/** The logical id of a function's role. */
export function roleIdOf(stack: { getLogicalId(element: any): string }, fn: { role?: { node: { defaultChild?: unknown } } | undefined }): string {
  return stack.getLogicalId(fn.role!.node.defaultChild as never);
}
