/**
 * The one `NodejsFunction` subclass: every function of the product gets the same defaults from here
 * instead of five copied blocks.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PARSER_LAYER_PACKAGES } from '../bundling/parser-layer-packages.ts';
import type { BiAgentConfig } from '../config.ts';
import { fromRoot, PROJECT_ROOT } from '../paths.ts';

/** The runtime of every function: the newest Node.js Lambda offers (cdk-nag L1 checks it stays so). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * ESM bundles keep CommonJS dependencies working (`pg`, the X-Ray SDK call `require` on Node
 * built-ins): esbuild's ESM output has no `require`, so the banner makes one.
 */
const REQUIRE_BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** Files a function reads next to its bundle, found by `packageRoot()` (it walks up to a package.json). */
export type BundledFiles = 'knowledge' | 'migrations';

export interface BiAgentFunctionProps {
  /** Repository-relative path of the handler module, e.g. `functions/ask/handler.ts`. */
  readonly entry: string;
  /** Exported handler name. */
  readonly handler: string;
  /** One line for the console and the template. */
  readonly description: string;
  readonly config: BiAgentConfig;
  /** The PostgreSQL parser layer, for functions that load the SQL guard. */
  readonly parserLayer?: ILayerVersion;
  /** Data files the function needs beside its bundle. */
  readonly files?: readonly BundledFiles[];
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/**
 * A function bundled by local esbuild (no Docker): ESM, arm64, minified with source maps, active
 * tracing, Powertools environment, a log group of its own with the configured retention.
 *
 * @example
 * const fn = new BiAgentFunction(this, 'Ask', { entry: 'functions/ask/handler.ts', handler: 'handler', description: 'POST /v1/ask', config });
 */
export class BiAgentFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BiAgentFunctionProps) {
    const { config } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: logs go to this function's group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `bi-agent ${id}: ${props.description}`.slice(0, 1000),
    });
    logGroup.grantWrite(role);
    const files = props.files ?? [];
    const functionProps: NodejsFunctionProps = {
      entry: fromRoot(props.entry),
      handler: props.handler,
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fromRoot('package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      role,
      layers: props.parserLayer ? [props.parserLayer] : [],
      environment: {
        POWERTOOLS_SERVICE_NAME: config.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        // The runtime's own SDK (never bundle or layer it); the parser comes from the layer. Only the
        // functions given the layer may import it: test/cdk/packaging.test.ts loads every package
        // with nothing else on the lookup path.
        externalModules: ['@aws-sdk/*', ...PARSER_LAYER_PACKAGES],
        esbuildArgs: { '--alias': `@electric-sql/pglite=${fromRoot('lib', 'bundling', 'pglite-unavailable.ts')}` },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => afterBundling(inputDir, outputDir, files),
        },
      },
    };
    super(scope, id, functionProps);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. ' +
        'test/cdk/iam.test.ts checks that X-Ray is the only thing granted on "*".',
    });
  }
}

/**
 * `packageRoot()` walks up from the bundle to a package.json: give it one (it also marks the folder
 * as ESM), and put the data files where the source tree has them.
 */
function afterBundling(inputDir: string, outputDir: string, files: readonly BundledFiles[]): string[] {
  const commands = [`echo '{"name":"bi-agent-function","private":true,"type":"module"}' > "${outputDir}/package.json"`];
  for (const folder of files) {
    commands.push(
      `mkdir -p "${outputDir}/functions/warehouse"`,
      `cp -R "${inputDir}/functions/warehouse/${folder}" "${outputDir}/functions/warehouse/${folder}"`,
    );
  }
  return commands;
}
