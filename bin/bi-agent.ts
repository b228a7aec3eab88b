#!/usr/bin/env node
/**
 * `bi-agent`: the Contextual BI Agent on the command line. Every command works on the embedded
 * default (no network, no AWS account); `DATABASE_URL` points the same code at PostgreSQL.
 */
import { ask, guard, ingest, search, seed, serve, sql } from './cli/commands.ts';
import { errorMessage, UsageError } from './cli/errors.ts';
import { installLastResortHandlers } from './cli/last-resort.ts';

const USAGE = `bi-agent — answers business questions with guarded, read-only SQL

Usage: bi-agent <command> [options]

Commands
  ask "QUESTION"        answer a question: table, summary, the SQL that ran
  sql "STATEMENT"       check a statement with the guard, then run it read-only
  guard "STATEMENT"     check a statement without running it
  search "QUERY"        retrieval alone: the passages the planner would see
  ingest DIR            index the Markdown and text documents under DIR
  seed                  build the sample warehouse (embedded, or DATABASE_URL with COPY)
  serve                 the local HTTP API on 127.0.0.1 (what npm start runs)

Options
  --data DIR            the embedded default's folder (or BI_AGENT_DATA; default ~/.local/share/bi-agent)
  --jsonl               ask/sql/guard/search: JSON Lines in on standard input, one JSON line out per line
  --json                one JSON document instead of a table
  --role ROLE           viewer (default), analyst or admin
  --regions A,B         act for a principal scoped to these regions
  --as-of YYYY-MM-DD    ask: resolve "last quarter" etc. against this day (default: last day of data)
  --port N              serve: port (or PORT; default 3000)
  -k N                  search: passages to return (default 5)
  seed: --seed N --rows N --customers N --from YYYY-MM-DD --to YYYY-MM-DD [--database-url URL]

Examples
  bi-agent ask "top 5 products by units sold last quarter"
  echo '{"id":"a","sql":"select count(*) from sales.regions"}' | bi-agent sql --jsonl
  bi-agent seed --rows 10000000 --database-url postgres://postgres@127.0.0.1:5432/test
`;

const COMMANDS: Record<string, typeof ask> = { ask, sql, guard, search, ingest, seed, serve };

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write('bi-agent 0.1.0\n');
    return 0;
  }
  if (name === 'token') {
    throw new UsageError('token: local token issuing arrives with authentication; until then the local API accepts requests without a token (role from BI_AGENT_DEFAULT_ROLE)');
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  return command(args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}

installLastResortHandlers();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bi-agent: ${errorMessage(error)}\n`);
    if (error instanceof UsageError) process.stderr.write('run `bi-agent --help` for usage\n');
    if (process.env.BI_AGENT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
