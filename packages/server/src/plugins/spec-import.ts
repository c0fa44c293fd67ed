import type { Tool } from '../core/tool.js';

/** A tool as an importer produces it, before the catalog gives it an id, a plugin and a status. */
export type ToolDraft = Omit<Tool, 'id' | 'pluginId' | 'status'>;

/** Something imported, but not quite as written; shown to the admin at review time. */
export interface ImportWarning {
  /** `METHOD /path` of the operation concerned; absent for document-level warnings. */
  readonly operation?: string;
  readonly message: string;
}

/** An operation that could not become a tool; the rest of the spec still imports. */
export interface OperationFailure {
  /** `METHOD /path`, e.g. `POST /orders`. */
  readonly operation: string;
  readonly reason: string;
}

/** What importing one plugin specification yields, whatever its format. */
export interface SpecImport {
  readonly title: string;
  readonly description: string;
  /** Absolute base URL from the spec or the caller; undefined when the spec has none usable. */
  readonly baseUrl: string | undefined;
  readonly tools: ToolDraft[];
  readonly warnings: ImportWarning[];
  readonly failures: OperationFailure[];
}

/** Thrown inside an importer for a problem confined to one operation or schema. */
export class ImportProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportProblem';
  }
}
