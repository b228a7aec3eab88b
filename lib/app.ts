/**
 * Builds every stack of the application. `bin/app.ts` (what `cdk synth`/`cdk deploy` run) and the
 * tests call this same function, so the tests check exactly what is deployed.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BiAgentStack } from './bi-agent-stack.ts';
import { loadConfig, type BiAgentConfig } from './config.ts';

/** Every stack of one deployment. */
export interface BiAgentStacks {
  readonly config: BiAgentConfig;
  readonly main: BiAgentStack;
}

export interface CreateStacksOptions {
  /** Register the cdk-nag AwsSolutions pack as a synth-time validation (bin/app.ts does; tests run the pack directly). */
  readonly nag?: boolean;
}

/**
 * Reads the configuration from the app's context and creates the stacks.
 *
 * @example
 * const app = new App();
 * createStacks(app, { nag: true });
 */
export function createStacks(app: App, options: CreateStacksOptions = {}): BiAgentStacks {
  const config = loadConfig(app.node);
  const account = config.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.CDK_DEFAULT_REGION;
  const main = new BiAgentStack(app, `BiAgent-${config.stage}`, {
    config,
    description: `Contextual BI Agent (${config.stage})`,
    // Environment-agnostic when neither is known (offline synth, CI): the template uses pseudo parameters.
    ...(account || region ? { env: { account, region } } : {}),
    terminationProtection: config.stage === 'prod',
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, main };
}
