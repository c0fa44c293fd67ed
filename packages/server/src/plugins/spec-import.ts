import type { Tool } from '../core/tool.js';
import type { CredentialRequirement } from './credential-requirement.js';

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
  /**
   * The credentials the document declares (OpenAPI `securitySchemes`), each with where it is used. A ChatGPT
   * plugin's manifest `auth` is not in here: the ai-plugin importer returns it as `manifest.credentialRequirement`.
   */
  readonly credentialRequirements: CredentialRequirement[];
  /** Which schemes each operation needs, exactly as the document combines them. */
  readonly security: SecurityRequirements;
}

/** One way to satisfy a security requirement: all of these schemes together. Empty means "no credential". */
export type SecurityAlternative = readonly { readonly schemeName: string; readonly scopes: readonly string[] }[];

/** OpenAPI `security`: any one alternative suffices. */
export interface SecurityRequirements {
  /** The document's top-level `security`; empty when it has none (operations then need nothing by default). */
  readonly global: readonly SecurityAlternative[];
  /** Operations (`METHOD /path`) with their own `security`, which replaces the global one; `[]` is anonymous. */
  readonly operations: Readonly<Record<string, readonly SecurityAlternative[]>>;
}

/** Thrown inside an importer for a problem confined to one operation or schema. */
export class ImportProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportProblem';
  }
}
