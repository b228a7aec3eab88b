/**
 * The app synthesized as `cdk synth` does it, with real (local, offline) esbuild bundling, and the
 * Lambda functions read back from the cloud assembly on disk — the template, the asset manifest and
 * the construct metadata — the way CloudFormation and the CDK CLI will see them: handler, runtime,
 * environment, layers, and the asset folder each zip is made of.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stage as CdkStage } from 'aws-cdk-lib';
import { createStacks } from '../../../lib/app.ts';
import { fromRoot } from '../../../lib/paths.ts';
import type { Stage } from '../../../lib/config.ts';
import { standIn } from './intrinsics.ts';

/** A layer version of the template and the folder its zip is made of. */
export interface ShippedLayer {
  readonly logicalId: string;
  /** Construct path below the stack, e.g. `ParserLayer/Layer`. */
  readonly name: string;
  readonly directory: string;
}

/** A function of the template as it ships. */
export interface ShippedFunction {
  readonly logicalId: string;
  /** Construct path below the stack, e.g. `Functions/Ask`. */
  readonly name: string;
  /** `Handler`, e.g. `index.handler`. */
  readonly handler: string;
  /** `Runtime`, e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** `LoggingConfig.ApplicationLogLevel`, when set (Lambda then sets `AWS_LAMBDA_LOG_LEVEL`). */
  readonly applicationLogLevel: string | undefined;
  /** `LoggingConfig.LogFormat` (`Text` when absent). */
  readonly logFormat: string;
  /** The environment variables, intrinsics replaced by stand-ins (intrinsics.ts). */
  readonly environment: Record<string, string>;
  /** The folder the function's zip is made of: the task root. */
  readonly codeDirectory: string;
  /** Its layers, in the template's order (the order Lambda extracts them into /opt). */
  readonly layers: readonly ShippedLayer[];
}

/** One synthesized stack's shipped functions and layers. */
export interface ShippedAssembly {
  /** The cloud assembly folder of the stack's stage. */
  readonly directory: string;
  readonly artifactId: string;
  readonly functions: readonly ShippedFunction[];
  readonly layers: readonly ShippedLayer[];
  /** The function at construct path `name`; throws when there is none. */
  fn(name: string): ShippedFunction;
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, any>;
}

let synthesized: { stages: readonly Stage[]; assemblies: Map<Stage, ShippedAssembly> } | undefined;

/**
 * Synthesizes `stages` with bundling into a temporary folder, once per process, and reads what
 * ships in each. Every stage is a nested `Stage` of one `App`, built by the same `createStacks` as
 * `cdk synth -c stage=…`: nested stages share the app's asset folder, so a bundle that is the same
 * in every stage (they all are today) is built by esbuild once, not once per stage. What differs
 * between stages is the template: environment, memory, timeouts, layers.
 */
export function synthesizeShipped(stages: readonly Stage[]): Map<Stage, ShippedAssembly> {
  if (synthesized && stages.every((stage) => synthesized!.stages.includes(stage))) return synthesized.assemblies;
  const outdir = mkdtempSync(join(tmpdir(), 'bi-agent-assembly-'));
  // Without the CDK's built-in template validation (≈ 10 s of WebAssembly start-up): it checks
  // templates, not packages, and the template tests (support/synth.ts) run it on every stage.
  // With cdk.json's context (its feature flags), as the CLI hands it to bin/app.ts; the stage is
  // each nested stage's own.
  const { stage: _default, ...context } = (JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  const app = new App({ outdir, context, builtinCloudFormationValidation: false });
  const built = stages.map((stage) => {
    const scope = new CdkStage(app, stage);
    scope.node.setContext('stage', stage);
    // createStacks only needs a construct to build in and read context from: a nested stage is one.
    return { stage, scope, stack: createStacks(scope as unknown as App).main };
  });
  app.synth();
  const assemblies = new Map<Stage, ShippedAssembly>();
  for (const { stage, scope, stack } of built) {
    assemblies.set(stage, readShippedAssembly(join(outdir, scope.artifactId), stack.artifactId, stack.node.path));
  }
  synthesized = { stages, assemblies };
  return assemblies;
}

/**
 * Reads the functions and layers of stack artifact `artifactId` from the cloud assembly folder
 * `directory` (a nested stage's `assembly-<stage>`, or the app's own). `constructPath` is the
 * stack's construct path (`dev/BiAgent-dev`), which the metadata's paths start with.
 */
export function readShippedAssembly(directory: string, artifactId: string, constructPath: string): ShippedAssembly {
  const json = (file: string) => JSON.parse(readFileSync(join(directory, file), 'utf8'));
  type Artifact = { type: string; properties?: Record<string, string>; dependencies?: string[]; additionalMetadataFile?: string };
  const manifest = json('manifest.json') as { artifacts: Record<string, Artifact> };
  const stack = manifest.artifacts[artifactId];
  if (stack?.type !== 'aws:cloudformation:stack' || !stack.properties?.templateFile) throw new Error(`No stack ${artifactId} in ${directory}`);
  const template = json(stack.properties.templateFile) as { Resources: Record<string, TemplateResource> };
  const assetManifest = (stack.dependencies ?? []).map((id) => manifest.artifacts[id]).find((artifact) => artifact?.type === 'cdk:asset-manifest');
  if (!assetManifest?.properties?.file) throw new Error(`Stack ${artifactId} has no asset manifest`);
  const assets = json(assetManifest.properties.file) as { files: Record<string, { source: { path: string; packaging: string } }> };
  const names = constructNames(stack.additionalMetadataFile ? json(stack.additionalMetadataFile) : {}, constructPath);

  /** The asset folder behind an `{ S3Bucket, S3Key: '<hash>.zip' }` code location. */
  const folderOf = (code: { S3Key?: unknown } | undefined, owner: string): string => {
    const hash = typeof code?.S3Key === 'string' ? code.S3Key.replace(/\.zip$/, '') : undefined;
    const asset = hash ? assets.files[hash] : undefined;
    if (!asset || asset.source.packaging !== 'zip') throw new Error(`${owner}: its code is not a zip asset of the assembly`);
    return join(directory, asset.source.path);
  };

  const layers = new Map<string, ShippedLayer>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::LayerVersion') continue;
    layers.set(logicalId, { logicalId, name: names.get(logicalId) ?? logicalId, directory: folderOf(resource.Properties?.Content, logicalId) });
  }

  const functions: ShippedFunction[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = resource.Properties ?? {};
    const variables = (properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    functions.push({
      logicalId,
      name: names.get(logicalId) ?? logicalId,
      handler: String(properties.Handler),
      runtime: String(properties.Runtime),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memoryMb: Number(properties.MemorySize ?? 128),
      applicationLogLevel: properties.LoggingConfig?.ApplicationLogLevel,
      logFormat: properties.LoggingConfig?.LogFormat ?? 'Text',
      environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, standIn(value)])),
      codeDirectory: folderOf(properties.Code, logicalId),
      layers: ((properties.Layers ?? []) as unknown[]).map((reference) => {
        const layer = layers.get(standIn(reference));
        if (!layer) throw new Error(`${logicalId}: layer ${JSON.stringify(reference)} is not a layer of this template`);
        return layer;
      }),
    });
  }

  return {
    directory,
    artifactId,
    functions,
    layers: [...layers.values()],
    fn(name) {
      const found = functions.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`No function ${name}; the template has ${functions.map((f) => f.name).join(', ')}`);
      return found;
    },
  };
}

/**
 * Logical id → construct path below the stack, from the assembly's metadata
 * (`/dev/BiAgent-dev/Functions/Ask/Resource` → `Functions/Ask`).
 */
function constructNames(metadata: Record<string, { type: string; data: unknown }[]>, constructPath: string): Map<string, string> {
  const names = new Map<string, string>();
  const prefix = `/${constructPath}/`;
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type !== 'aws:cdk:logicalId' || typeof entry.data !== 'string' || !path.startsWith(prefix)) continue;
      names.set(entry.data, path.slice(prefix.length).replace(/\/Resource$/, ''));
    }
  }
  return names;
}
