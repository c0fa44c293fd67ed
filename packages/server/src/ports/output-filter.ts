/** How many matches of one kind of secret or personal data were redacted; never the values themselves. */
export interface Redaction {
  readonly kind: string;
  readonly count: number;
}

/** What filtering did to one result or message. */
export interface FilteredOutput {
  /** The body with every match replaced by `[REDACTED:<kind>]`, same JSON shape; the input itself when nothing matched. */
  readonly body: unknown;
  readonly redactions: readonly Redaction[];
  /** Set when the tool's settings refuse results that carry secrets (`guard.secrets: block`) and this one did. */
  readonly blockedKinds?: readonly string[];
}

/** The output filter of one tool, with its settings already resolved. */
export interface ToolOutputFilter {
  /** Filters an upstream body: parsed JSON (objects, arrays, strings) or text. */
  filter(body: unknown): FilteredOutput;
}

/** Output filters for secrets and personal data (guard/ implements it; main.ts wires it). */
export interface OutputFilter {
  /** The filter for one tool; resolved once per tool, not per call. */
  forTool(pluginName: string, toolName: string): ToolOutputFilter;
}
