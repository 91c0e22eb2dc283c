// The CLI entry point, usable in-process: runCli(argv, {env, cwd, stdin})
// returns the exit code and what was written to stdout and stderr. The one
// place where errors become exit codes (0 ok, 1 invalid, 2 usage, 3 inconclusive).

import { Command, CommanderError } from 'commander';
import { CliRuntime } from './runtime.js';
import type { CliIO } from './io.js';
import { commandsFor } from './commands/index.js';
import { EXIT, SignetError, exitCodeFor } from '../errors.js';
import { VERSION } from '../version.js';
import { printable } from './printable.js';

export interface RunCliOptions {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Standard input as text, or a stream to read it from. */
  stdin?: string | NodeJS.ReadableStream;
  stdinIsTTY?: boolean;
  stderrIsTTY?: boolean;
  stderrColumns?: number;
  /** Also stream output here as it is produced (the real process streams). */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /**
   * Keep what was written, for the result (default true). The real process
   * streams instead: a server (`signet admission serve`) writes a log line
   * per decision for as long as it runs, and kept lines grew without bound.
   */
  keepOutput?: boolean;
  promptSecret?: (question: string) => Promise<string>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const keep = options.keepOutput ?? true;
  let stdinText: Promise<string> | undefined;
  const io: CliIO = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: (text) => {
      if (keep) stdout.push(text);
      options.onStdout?.(text);
    },
    err: (text) => {
      if (keep) stderr.push(text);
      options.onStderr?.(text);
    },
    readStdin: () => (stdinText ??= readAll(options.stdin)),
    stdinIsTTY: options.stdinIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
  };
  if (options.promptSecret) io.promptSecret = options.promptSecret;
  if (options.stderrColumns) io.stderrColumns = options.stderrColumns;
  const cli = new CliRuntime(io);
  const program = buildProgram(cli, argv);
  let code: number;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    code = cli.exitCode;
  } catch (error) {
    code = reportError(error, io);
  } finally {
    await cli.close();
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/**
 * The `signet` command tree. With `argv`, only the command it names is
 * registered (the rest are not needed to parse it); without, all of them.
 */
export function buildProgram(cli: CliRuntime, argv?: readonly string[]): Command {
  const program = new Command('signet')
    .description('Content trust for container images: sign, verify, revoke and rotate with TUF.')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'signet state directory (default: $SIGNET_HOME or ~/.signet)')
    .showHelpAfterError('(run with --help for usage and examples)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => cli.io.out(s), writeErr: (s) => cli.io.err(s) })
    .hook('preAction', (thisCommand) => {
      const home = thisCommand.opts<{ home?: string }>().home;
      if (home) cli.globals.home = home;
    });
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 verification failed, 2 usage or configuration error, 3 inconclusive.

Examples:
  signet demo
  signet init ./trust --scope "app"
  signet sign oci-layout:./images/app:1.0
  signet verify oci-layout:./images/app:1.0
`,
  );
  for (const register of commandsFor(argv ?? [])) register(program, cli);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => cli.io.out(s), writeErr: (s) => cli.io.err(s) });
  return program;
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed usage errors.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    if (error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof SignetError) {
    io.err(`error: ${printable(error.message)}\n`);
    return exitCodeFor(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: unexpected failure: ${printable(message)}\n`);
  return EXIT.usage;
}

async function readAll(stdin: string | NodeJS.ReadableStream | undefined): Promise<string> {
  if (stdin === undefined) return '';
  if (typeof stdin === 'string') return stdin;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > 1024 * 1024) throw new Error('standard input is larger than 1 MiB');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
