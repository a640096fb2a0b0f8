/**
 * Progress of a pipeline run: one line per stage with its duration, and a live bar with ETA for
 * long stages when the output is a terminal. Pipelines report through this interface only.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  stage(title: string): StageHandle;
  info(line: string): void;
}

export interface StageHandle {
  /** Sub-progress of a long stage (rows written, cells audited). */
  update(done: number, total: number, what?: string): void;
  done(summary?: string): void;
  fail(err: unknown): void;
}

export class ConsoleProgress implements ProgressReporter {
  #n = 0;
  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  info(line: string): void {
    this.out.write(`      ${line}\n`);
  }

  stage(title: string): StageHandle {
    const n = ++this.#n;
    const label = `[${n}/${this.total}] ${title}`;
    const started = performance.now();
    const tty = Boolean(this.out.isTTY);
    let bar: cliProgress.SingleBar | null = null;
    if (!tty) this.out.write(`${label} …\n`);
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    return {
      update: (done, total, what) => {
        if (!tty) return;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {what}`,
              stream: this.out,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { what: what ?? '' });
        }
        bar.setTotal(total);
        bar.update(done, { what: what ?? '' });
      },
      done: (summary) => {
        (bar as cliProgress.SingleBar | null)?.stop();
        this.out.write(
          `${tty ? label : '      done'} ✓ ${elapsed()}${summary ? ` — ${summary}` : ''}\n`,
        );
      },
      fail: (err) => {
        (bar as cliProgress.SingleBar | null)?.stop();
        this.out.write(`${label} ✗ ${err instanceof Error ? err.message : String(err)}\n`);
      },
    };
  }
}

/** For tests and library use: records stages instead of printing them. */
export class RecordingProgress implements ProgressReporter {
  readonly stages: { title: string; summary?: string; ms: number }[] = [];
  readonly lines: string[] = [];
  info(line: string): void {
    this.lines.push(line);
  }
  stage(title: string): StageHandle {
    const started = performance.now();
    return {
      update: () => {},
      done: (summary) => {
        this.stages.push({ title, summary, ms: performance.now() - started });
      },
      fail: () => {},
    };
  }
}

/** Runs one stage, reporting its end or failure. */
export async function runStage<T>(
  progress: ProgressReporter,
  title: string,
  work: (stage: StageHandle) => Promise<T>,
  summarise?: (result: T) => string,
): Promise<T> {
  const stage = progress.stage(title);
  try {
    const result = await work(stage);
    stage.done(summarise?.(result));
    return result;
  } catch (err) {
    stage.fail(err);
    throw err;
  }
}
