/**
 * cfn-lint (the CloudFormation linter, a Python tool) from the tests: it checks property values
 * against CloudFormation's resource schemas, which `cdk synth` and cdk-nag do not.
 */
import { execFile, spawnSync } from 'node:child_process';

/** One finding, as `cfn-lint --format json` prints it. */
export interface CfnLintFinding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Filename: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[]; readonly Start: { readonly LineNumber: number } };
}

/** `cfn-lint --version` (e.g. `cfn-lint 1.51.0`), or undefined when it is not on the PATH. */
export function cfnLintVersion(): string | undefined {
  const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/**
 * Lints one template. cfn-lint's exit status is a bit set (2 errors, 4 warnings, 8 informational);
 * bit 1 means cfn-lint itself failed, which rejects, as does output that is not its JSON.
 */
export function cfnLint(templatePath: string): Promise<CfnLintFinding[]> {
  return new Promise((resolve, reject) => {
    execFile('cfn-lint', ['--format', 'json', '--', templatePath], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? Number((error as { code?: unknown }).code) : 0;
      if (Number.isNaN(status) || (status & 1) === 1) {
        reject(new Error(`cfn-lint failed on ${templatePath} (status ${String((error as { code?: unknown } | null)?.code)}): ${stderr || stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as CfnLintFinding[]);
      } catch (cause) {
        reject(new Error(`cfn-lint printed no JSON for ${templatePath}: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`, { cause }));
      }
    });
  });
}
