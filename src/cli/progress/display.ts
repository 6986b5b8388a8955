/**
 * Live progress on stderr. On a TTY: one status line redrawn in place (at most ~8×/s),
 * with log lines printed above it. Not a TTY (CI, pods, pipes): one plain line every
 * `plainEveryMs` (default 5 s) and at each stage change, so logs stay readable.
 */
import type { HarnessProgress } from '../../harness/types.ts';

export interface ProgressDisplay {
  update(label: string, p: HarnessProgress): void;
  /** Write a log line without tearing the live line (use as the logger's write). */
  write(text: string): void;
  /** Clear the live line; later updates are ignored. */
  stop(): void;
}

export interface DisplayOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  tty?: boolean;
  plainEveryMs?: number;
  /** Injected for tests. */
  nowMs?: () => number;
}

const fmtRate = (r: number | undefined): string => (r === undefined ? '-' : r >= 100 ? r.toFixed(0) : r.toFixed(2));

/** One status line, e.g. `stage 1/1  sent 12/30  ok 10  failed 0  in flight 2  rate 1.00/1.00 req/s  TTFT p50 12.3 ms  12.0 s  <label>`. */
export function formatProgressLine(label: string, p: HarnessProgress): string {
  const sent = p.planned !== undefined ? `${p.sent}/${p.planned}` : String(p.sent);
  const rate = p.requestedRate !== undefined ? `${fmtRate(p.achievedRate)}/${fmtRate(p.requestedRate)} req/s` : `${fmtRate(p.achievedRate)} req/s`;
  const ttft = p.ttftP50Ms !== undefined ? `${p.ttftP50Ms.toFixed(1)} ms` : '-';
  // Everything planned is sent and the stage waits for its last (long) responses: the achieved
  // rate only falls from here on, which reads as a slow server; say what is happening instead.
  const draining = p.planned !== undefined && p.sent >= p.planned && p.inFlight > 0;
  const load = draining ? `draining: ${p.inFlight} in flight` : `in flight ${p.inFlight}  rate ${rate}`;
  // The label (a long results-directory name) goes last so a narrow terminal cuts it, not the numbers.
  return (
    `stage ${p.stage + 1}/${p.stages}  sent ${sent}  ok ${p.completed - p.failed}  failed ${p.failed}  ` +
    `${load}  TTFT p50 ${ttft}  ${p.elapsedS.toFixed(1)} s  ${label}`
  );
}

export function createProgressDisplay(opts: DisplayOptions): ProgressDisplay {
  const out = opts.stream;
  const tty = opts.tty ?? Boolean(out.isTTY);
  const every = opts.plainEveryMs ?? 5000;
  const now = opts.nowMs ?? (() => Date.now());
  let live = '';
  let lastDraw = 0;
  let lastKey = '';
  let stopped = false;
  const clear = (): void => {
    if (tty && live) out.write('\r\x1b[2K');
  };
  const draw = (): void => {
    if (tty && live) out.write(live);
  };
  return {
    update(label, p) {
      if (stopped) return;
      const t = now();
      const key = `${label}#${p.stage}`;
      const stageChanged = key !== lastKey;
      if (tty) {
        if (!stageChanged && t - lastDraw < 120) return;
        const cols = out.columns || 120;
        clear();
        live = formatProgressLine(label, p).slice(0, Math.max(20, cols - 1));
        draw();
      } else {
        if (!stageChanged && t - lastDraw < every) return;
        out.write(`${formatProgressLine(label, p)}\n`);
      }
      lastDraw = t;
      lastKey = key;
    },
    write(text) {
      clear();
      out.write(text);
      draw();
    },
    stop() {
      clear();
      live = '';
      stopped = true;
    },
  };
}
