/**
 * Shows warehouse build progress on stderr: a cli-progress bar per phase on a terminal; on a pipe
 * or a log (CI, `bi-agent sql --jsonl 2>log`) no bar control codes, just a few plain lines, so that
 * a minute-long first build is never silent and never floods the log.
 */
import cliProgress from 'cli-progress';
import type { OnWarehouseProgress, WarehousePhase } from './progress-event.ts';

export interface ProgressReporter {
  readonly onProgress: OnWarehouseProgress;
  /** Ends the current bar (call when the build or load is over, also after an error). */
  stop(): void;
}

const LABELS: Record<WarehousePhase, string> = {
  boot: 'starting database',
  migrate: 'migrating',
  customers: 'loading customers',
  transactions: 'loading sales',
  index: 'indexing',
  dump: 'saving warehouse',
  wait: 'waiting for another process to build the warehouse',
  load: 'loading warehouse',
};

/** Phases plain-line mode keeps quiet about: loading a built warehouse is routine and short. */
const QUIET_WHEN_PLAIN: ReadonlySet<WarehousePhase> = new Set(['load']);

/** Plain-line mode prints a phase's progress at these fractions only. */
const PLAIN_STEPS = [0.25, 0.5, 0.75];

/**
 * A reporter writing to `stream` (default stderr). `tty` overrides the terminal detection (tests).
 *
 * @example
 * ```ts
 * const progress = createProgressReporter();
 * try { db = await openEmbeddedWarehouse(dir, { onProgress: progress.onProgress }); }
 * finally { progress.stop(); }
 * ```
 */
export function createProgressReporter(
  options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; tty?: boolean; prefix?: string } = {},
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const prefix = options.prefix ?? 'warehouse';
  return tty ? barReporter(stream, prefix) : plainReporter(stream, prefix);
}

function barReporter(stream: NodeJS.WritableStream, prefix: string): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let phase: WarehousePhase | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
    phase = undefined;
  };
  return {
    stop,
    onProgress(progress) {
      if (progress.phase !== phase) {
        stop();
        phase = progress.phase;
        const counted = progress.total > 0;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: counted
              ? `${prefix}: ${LABELS[progress.phase]} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`
              : `${prefix}: ${LABELS[progress.phase]} | {duration_formatted}`,
            hideCursor: true,
            clearOnComplete: false,
            // We decided it is a terminal (or were told so); don't let cli-progress second-guess it.
            noTTYOutput: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(progress.total, 1), 0);
      }
      bar?.update(progress.total > 0 ? progress.done : 0);
    },
  };
}

function plainReporter(stream: NodeJS.WritableStream, prefix: string): ProgressReporter {
  let phase: WarehousePhase | undefined;
  let nextStep = 0;
  let started = 0;
  const line = (text: string): void => {
    stream.write(`${prefix}: ${text}\n`);
  };
  return {
    stop() {
      phase = undefined;
    },
    onProgress(progress) {
      if (QUIET_WHEN_PLAIN.has(progress.phase)) return;
      if (progress.phase !== phase) {
        phase = progress.phase;
        nextStep = 0;
        started = performance.now();
        line(`${LABELS[progress.phase]}…`);
      }
      if (progress.total <= 0) return;
      const fraction = progress.done / progress.total;
      while (nextStep < PLAIN_STEPS.length && fraction >= PLAIN_STEPS[nextStep]! && fraction < 1) {
        line(`${LABELS[progress.phase]} ${Math.round(PLAIN_STEPS[nextStep]! * 100)}% (${progress.done}/${progress.total})`);
        nextStep += 1;
      }
      if (fraction >= 1 && nextStep <= PLAIN_STEPS.length) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        line(`${LABELS[progress.phase]} done (${progress.total}) in ${seconds} s`);
        nextStep = PLAIN_STEPS.length + 1;
      }
    },
  };
}
