// A one-line progress bar for bulk sign and verify, drawn on stderr only when
// stderr is a terminal (never in pipelines or logs); plain when NO_COLOR is
// set. Redraws at most every 100 ms so it never slows the work it reports.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface Progress {
  /** `done` of `total` items finished. */
  update(done: number, total: number): void;
  /** Clear the line; call once at the end, success or failure. */
  finish(): void;
}

const REDRAW_MS = 100;
const NO_PROGRESS: Progress = { update() {}, finish() {} };

/**
 * A bar labelled `label` on `stream`, or a no-op when `stream` is not a TTY
 * (or TERM is dumb). `env` is the CLI's environment, never read globally.
 */
export function progressBar(stream: ProgressStream, label: string, env: Record<string, string | undefined>, clock: () => number = Date.now): Progress {
  if (!stream.isTTY || env['TERM'] === 'dumb') return NO_PROGRESS;
  const color = env['NO_COLOR'] === undefined || env['NO_COLOR'] === '';
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const now = clock();
      if (done < total && now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      stream.write(`\r${renderBar(label, done, total, stream.columns ?? 80, color)}`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

/** The text of one bar frame, fitting in `columns`. */
export function renderBar(label: string, done: number, total: number, columns: number, color: boolean): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const counts = ` ${done}/${total}`;
  const width = Math.max(10, Math.min(40, columns - label.length - counts.length - 4));
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const painted = color ? `\x1b[32m${bar.slice(0, filled)}\x1b[2m${bar.slice(filled)}\x1b[0m` : bar;
  return `${label} [${painted}]${counts}`;
}

/**
 * A `(phase, done, total)` callback for workflows: one bar per phase, cleared
 * when the phase completes. A no-op off a TTY, like `progressBar`.
 */
export function progressReporter(stream: ProgressStream, env: Record<string, string | undefined>): (phase: string, done: number, total: number) => void {
  let current: { phase: string; bar: Progress } | undefined;
  return (phase, done, total) => {
    if (current?.phase !== phase) {
      current?.bar.finish();
      current = { phase, bar: progressBar(stream, phase, env) };
    }
    current.bar.update(done, total);
    if (done >= total) {
      current.bar.finish();
      current = undefined;
    }
  };
}
