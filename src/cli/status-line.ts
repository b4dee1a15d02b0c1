// The status line of a live run on a terminal: lines read, incidents, the last event's time, on
// stderr, redrawn at most twice a second. Absent when stderr is not a terminal, so logs and pipes
// never see it.
export interface LiveStatus {
  lines: number;
  incidents: number;
  lastEventAt: number | null;
}

const REDRAW_MS = 500;

export class StatusLine {
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private lastText = '';

  constructor(private readonly stream: NodeJS.WriteStream, private readonly read: () => LiveStatus) {}

  get active(): boolean {
    return Boolean(this.stream.isTTY);
  }

  start(): void {
    if (!this.active || this.timer) return;
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
  }

  /** Writes something else to the terminal without the status line in its way. */
  around(write: () => void): void {
    this.clear();
    write();
    if (this.timer) this.draw(true);
  }

  private clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(force = false): void {
    const s = this.read();
    const last = s.lastEventAt === null ? 'none yet' : new Date(s.lastEventAt).toISOString().slice(11, 19) + 'Z';
    const text = `watching: ${s.lines.toLocaleString('en-US')} lines read, ${s.incidents} incident${s.incidents === 1 ? '' : 's'}, last event ${last} (Ctrl-C: report)`;
    const width = (this.stream.columns || 80) - 1;
    if (this.shown && !force && text === this.lastText) return;
    this.lastText = text;
    this.stream.write(`\r\x1b[2K${text.slice(0, width)}`);
    this.shown = true;
  }
}
