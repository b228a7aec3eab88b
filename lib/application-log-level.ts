/**
 * Lambda's application log level, taken from each function's Powertools log level.
 *
 * With JSON logs, Lambda itself can drop application log lines below a level (advanced logging
 * controls). Unset, that filter passes everything, so a stage's `logLevel` lived only in
 * `POWERTOOLS_LOG_LEVEL` and nothing outside the code enforced it; set to something else, Powertools
 * warns on every cold start and lines are lost. This aspect sets `LoggingConfig.ApplicationLogLevel`
 * of every JSON-logging function to its own `POWERTOOLS_LOG_LEVEL`, so the two cannot disagree,
 * whichever construct made the function.
 */
import { type IAspect, Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/** The Powertools variable whose value becomes the application log level. */
export const POWERTOOLS_LOG_LEVEL = 'POWERTOOLS_LOG_LEVEL';

/** Powertools levels → Lambda's application log levels (Lambda has no `SILENT`, `CRITICAL` is `FATAL`). */
const LAMBDA_LEVEL: Readonly<Record<string, string>> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARN: 'WARN',
  ERROR: 'ERROR',
  CRITICAL: 'FATAL',
  FATAL: 'FATAL',
};

/**
 * Add with `Aspects.of(stack).add(new ApplicationLogLevelFromPowertools())`. Functions without
 * JSON logs or without the variable are left alone; an unknown level fails the synth.
 */
export class ApplicationLogLevelFromPowertools implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnFunction)) return;
    const logging = node.loggingConfig as CfnFunction.LoggingConfigProperty | undefined;
    if (!logging || logging.logFormat !== 'JSON') return;
    const environment = Stack.of(node).resolve(node.environment) as { variables?: Record<string, unknown> } | undefined;
    const level = environment?.variables?.[POWERTOOLS_LOG_LEVEL];
    if (typeof level !== 'string') return;
    const lambdaLevel = LAMBDA_LEVEL[level.toUpperCase()];
    if (!lambdaLevel) throw new Error(`${node.node.path}: ${POWERTOOLS_LOG_LEVEL}=${level} has no Lambda application log level`);
    node.loggingConfig = { ...logging, applicationLogLevel: lambdaLevel };
  }
}
