/**
 * CloudFormation intrinsic functions in a synthesized template, replaced by stand-in strings of
 * the same shape, so that a function's environment can be handed to its package as Lambda would
 * hand it over once deployed (an ARN where the template builds an ARN).
 */

/** The account, region and partition the stand-ins are made of. */
export const STAND_IN = { partition: 'aws', region: 'eu-west-1', account: '123456789012', urlSuffix: 'amazonaws.com' } as const;

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': STAND_IN.partition,
  'AWS::Region': STAND_IN.region,
  'AWS::AccountId': STAND_IN.account,
  'AWS::URLSuffix': STAND_IN.urlSuffix,
};

/**
 * The value with every intrinsic replaced: pseudo parameters by `STAND_IN`, `Ref` to a resource
 * by its logical id, `Fn::GetAtt` by `<id>.<attribute>`, `Fn::Join` and `Fn::Sub` evaluated. Any
 * other intrinsic throws, so a template that needs more is noticed rather than guessed at.
 *
 * @example
 * standIn({ 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'rds']] }); // 'arn:aws:rds'
 */
export function standIn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    const [name, argument] = entries[0] ?? [];
    if (entries.length === 1 && name === 'Ref' && typeof argument === 'string') return PSEUDO_PARAMETERS[argument] ?? argument;
    if (entries.length === 1 && name === 'Fn::GetAtt' && Array.isArray(argument)) return argument.map(standIn).join('.');
    if (entries.length === 1 && name === 'Fn::Join' && Array.isArray(argument) && Array.isArray(argument[1])) {
      return (argument[1] as unknown[]).map(standIn).join(standIn(argument[0]));
    }
    if (entries.length === 1 && name === 'Fn::Sub') {
      const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_whole, variable: string) =>
        variable in variables ? standIn(variables[variable]) : variable.includes('.') ? variable : standIn({ Ref: variable }),
      );
    }
  }
  throw new Error(`No stand-in for ${JSON.stringify(value)}: extend test/cdk/support/intrinsics.ts`);
}
