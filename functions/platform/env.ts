/**
 * Environment, read once and checked: a Lambda that is missing a variable its stack should have set
 * fails at its first invocation with the variable's name, instead of running with a silent default.
 */
import { isRole, type Role } from '../core/principal.ts';

/** A required variable's value; throws naming the variable when it is absent or blank. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Environment variable ${name} is required but not set`);
  return value;
}

/** An optional variable's value, or `fallback` when it is absent or blank. */
export function optionalEnv(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** True inside the Lambda runtime (the runtime always sets the function name). */
export function isOnLambda(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
}

/** What the HTTP side needs from the environment. */
export interface PlatformConfig {
  /** Powertools service name: the `service` key of every log line and metric. */
  readonly serviceName: string;
  /** CloudWatch metrics namespace. */
  readonly metricsNamespace: string;
  /** Role of the anonymous principal of the local server (until authentication lands). */
  readonly defaultRole: Role;
}

/**
 * Reads the platform configuration. On Lambda the stack must set `POWERTOOLS_SERVICE_NAME` and
 * `POWERTOOLS_METRICS_NAMESPACE` (a deployed function without them would publish under the wrong
 * name); locally they default to `bi-agent` / `BiAgent`. `BI_AGENT_DEFAULT_ROLE` must name a role.
 *
 * @example
 * const { serviceName } = loadPlatformConfig(); // 'bi-agent' on a laptop
 */
export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const onLambda = isOnLambda(env);
  const serviceName = onLambda ? requiredEnv('POWERTOOLS_SERVICE_NAME', env) : optionalEnv('POWERTOOLS_SERVICE_NAME', 'bi-agent', env);
  const metricsNamespace = onLambda
    ? requiredEnv('POWERTOOLS_METRICS_NAMESPACE', env)
    : optionalEnv('POWERTOOLS_METRICS_NAMESPACE', 'BiAgent', env);
  const defaultRole = optionalEnv('BI_AGENT_DEFAULT_ROLE', 'viewer', env);
  if (!isRole(defaultRole)) {
    throw new Error(`Environment variable BI_AGENT_DEFAULT_ROLE must be viewer, analyst or admin, not "${defaultRole}"`);
  }
  return { serviceName, metricsNamespace, defaultRole };
}
