/**
 * A Lambda layer with the PostgreSQL parser's package, copied from `node_modules` at synth time
 * (local bundling: no Docker, no network). See layers/pg-parser/README.md.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { fromRoot } from '../paths.ts';
import { FUNCTION_RUNTIME } from './bi-agent-function.ts';

/** The packages the layer carries (each with no runtime dependencies of its own). */
export const LAYER_PACKAGES = ['libpg-query'] as const;

/** Copies the layer's packages into `outputDir/nodejs/node_modules`. */
export function stageParserLayer(outputDir: string): void {
  for (const name of LAYER_PACKAGES) {
    const target = join(outputDir, 'nodejs', 'node_modules', name);
    mkdirSync(target, { recursive: true });
    cpSync(fromRoot('node_modules', name, 'package.json'), join(target, 'package.json'));
    cpSync(fromRoot('node_modules', name, 'wasm'), join(target, 'wasm'), { recursive: true });
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
