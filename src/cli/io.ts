// The CLI's view of the outside world, injectable so every command runs
// in-process in tests: environment, working directory, stdin, and two sinks.

export interface CliIO {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Results (stdout). */
  out(text: string): void;
  /** Diagnostics and progress (stderr). */
  err(text: string): void;
  /** All of stdin as text (read once; later calls get the same text). */
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width of stderr, when it is a TTY (for progress bars). */
  stderrColumns?: number;
  /** Prompt on the terminal without echo (only when stdinIsTTY). */
  promptSecret?(question: string): Promise<string>;
}
