/**
 * Keeps the last `maxChars` characters written to it: a stdio child's stderr, kept for diagnostics
 * (the admin API shows it when an upstream is down) without letting a chatty child grow our memory.
 */
export class BoundedTextTail {
  private text = '';
  private dropped = false;

  constructor(private readonly maxChars: number) {}

  append(chunk: string): void {
    const joined = this.text + chunk;
    if (joined.length > this.maxChars) {
      this.text = joined.slice(joined.length - this.maxChars);
      this.dropped = true;
    } else {
      this.text = joined;
    }
  }

  /** What was kept, prefixed with a marker when earlier output was dropped. */
  toString(): string {
    return this.dropped ? `[earlier output dropped]\n${this.text}` : this.text;
  }
}
