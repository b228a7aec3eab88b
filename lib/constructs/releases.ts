/**
 * Safe releases: every HTTP function's `live` alias is shifted to a new version by CodeDeploy
 * (canary by default), which rolls back when a release alarm fires or the deployment fails.
 */
import { LambdaDeploymentConfig, LambdaDeploymentGroup, type ILambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BiAgentConfig } from '../config.ts';
import type { Observability } from './observability.ts';
import type { ServiceFunctions } from './service-functions.ts';

export interface ReleasesProps {
  readonly config: BiAgentConfig;
  readonly functions: ServiceFunctions;
  readonly observability: Observability;
}

export class Releases extends Construct {
  readonly groups: Record<string, LambdaDeploymentGroup> = {};

  constructor(scope: Construct, id: string, props: ReleasesProps) {
    super(scope, id);
    const deploymentConfig = deploymentConfigOf(props.config.deploymentConfig);
    for (const [name, released] of Object.entries(props.functions.all)) {
      this.groups[name] = new LambdaDeploymentGroup(this, name, {
        alias: released.alias,
        deploymentConfig,
        alarms: props.observability.releaseAlarms(name),
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
      Validations.of(this.groups[name]).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          "CodeDeploy's service role for Lambda: the AWS-managed 'Limited' policy is the documented least-privilege one " +
          '(it may only shift aliases and invoke hook functions named CodeDeployHook_*).',
      });
    }
  }
}

function deploymentConfigOf(name: BiAgentConfig['deploymentConfig']): ILambdaDeploymentConfig {
  return LambdaDeploymentConfig[name];
}
