/** What kind of plugin document a parsed object is; importers are chosen from this. */
export type SpecFormat =
  | { readonly kind: 'openapi'; readonly version: string }
  | { readonly kind: 'swagger'; readonly version: string }
  | { readonly kind: 'ai-plugin-manifest' }
  | { readonly kind: 'unknown' };

function versionText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Looks only at the fields that name a format; importers validate the rest. */
export function detectSpecFormat(doc: Record<string, unknown>): SpecFormat {
  if (doc['openapi'] !== undefined) return { kind: 'openapi', version: versionText(doc['openapi']) };
  if (doc['swagger'] !== undefined) return { kind: 'swagger', version: versionText(doc['swagger']) };
  if (doc['schema_version'] !== undefined && (doc['api'] !== undefined || doc['name_for_model'] !== undefined)) {
    return { kind: 'ai-plugin-manifest' };
  }
  return { kind: 'unknown' };
}
