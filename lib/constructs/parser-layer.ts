/**
 * A Lambda layer with the PostgreSQL parser's package and its runtime dependencies, copied from
 * `node_modules` at synth time (local bundling: no Docker, no network). See layers/pg-parser/README.md.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { isRuntimeFile, runtimeClosure, type InstalledPackage } from '../bundling/package-closure.ts';
import { PARSER_LAYER_PACKAGES } from '../bundling/parser-layer-packages.ts';
import { fromRoot } from '../paths.ts';
import { FUNCTION_RUNTIME } from './bi-agent-function.ts';

/** The packages the layer carries: `PARSER_LAYER_PACKAGES` and everything they need at run time. */
export function parserLayerPackages(): InstalledPackage[] {
  return runtimeClosure(PARSER_LAYER_PACKAGES, fromRoot('node_modules'));
}

/** Copies the layer's packages into `outputDir/nodejs/node_modules`, each at its path in `node_modules`. */
export function stageParserLayer(outputDir: string): void {
  for (const installed of parserLayerPackages()) {
    const target = join(outputDir, 'nodejs', 'node_modules', ...installed.path.split('/'));
    mkdirSync(target, { recursive: true });
    cpSync(installed.directory, target, { recursive: true, filter: (source) => isRuntimeFile(source, installed.directory) });
  }
}

export class ParserLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: 'libpg-query (PostgreSQL parser, WebAssembly) for the SQL guard',
      compatibleRuntimes: [FUNCTION_RUNTIME],
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
      // Earlier function versions (the ones CodeDeploy rolls back to) keep referencing old layer versions.
      removalPolicy: RemovalPolicy.RETAIN,
      code: Code.fromAsset(fromRoot('layers', 'pg-parser'), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling always succeeds (it only copies files).
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/alpine:3'),
          local: {
            tryBundle(outputDir) {
              stageParserLayer(outputDir);
              return true;
            },
          },
        },
      }),
    });
  }
}
