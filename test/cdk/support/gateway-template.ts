/**
 * What API Gateway does with a gateway response's body template: it is not VTL, only `$context.*`
 * and `$stageVariables.*` references are replaced by their values, verbatim (no escaping, no
 * `$util`, no directives). Rendering the synthesized templates this way shows what a client gets.
 */

/** `$context.error.responseType`, `$stageVariables.name`, … as they appear in a template. */
const REFERENCE = /\$(?:context|stageVariables)(?:\.[A-Za-z0-9_]+)+/g;

/** Every reference in a template, in order of appearance. */
export function referencesIn(template: string): string[] {
  return template.match(REFERENCE) ?? [];
}

/**
 * The body API Gateway would send: each reference replaced by `values[reference]`. A reference
 * without a value throws, so a template never renders with a silently missing variable.
 */
export function renderGatewayTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(REFERENCE, (reference) => {
    const value = values[reference];
    if (value === undefined) throw new Error(`No value for ${reference}`);
    return value;
  });
}
