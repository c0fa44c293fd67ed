import type { FilteredOutput, OutputFilter, Redaction, ToolOutputFilter } from '../ports/output-filter.js';
import { PII_KINDS, policyFor, type GuardPolicy, type GuardSettings } from './guard-settings.js';
import { PII_PATTERNS } from './pii-patterns.js';
import { scanBody, type BodyScan } from './scan-body.js';
import { CREDENTIAL_FIELD_KIND, SECRET_PATTERNS } from './secret-patterns.js';
import { textScanner, type RedactionCounts } from './text-scanner.js';

const SECRET_KINDS: ReadonlySet<string> = new Set([...SECRET_PATTERNS.map((p) => p.kind), CREDENTIAL_FIELD_KIND]);
const PASS: ToolOutputFilter = { filter: (body) => ({ body, redactions: [] }) };
/** Tool names come from the catalog, so this bound is only a guard against unbounded growth. */
const MAX_CACHED_TOOLS = 10_000;

/**
 * The output filter for secrets and personal data. Each tool's policy is resolved from the settings,
 * and its scanner compiled, on the first call to the tool; tools with the same policy share a scanner.
 */
export class OutputGuard implements OutputFilter {
  private readonly byTool = new Map<string, ToolOutputFilter>();
  private readonly byPolicy = new Map<string, ToolOutputFilter>();

  constructor(private readonly settings: GuardSettings) {}

  forTool(pluginName: string, toolName: string): ToolOutputFilter {
    const toolKey = `${pluginName}\u0000${toolName}`;
    const known = this.byTool.get(toolKey);
    if (known !== undefined) return known;
    const policy = policyFor(this.settings, pluginName, toolName);
    const policyKey = `${policy.secrets}|${policy.pii}|${(policy.piiKinds ?? PII_KINDS).join(',')}`;
    let filter = this.byPolicy.get(policyKey);
    if (filter === undefined) {
      filter = toolFilter(policy);
      this.byPolicy.set(policyKey, filter);
    }
    if (this.byTool.size >= MAX_CACHED_TOOLS) this.byTool.clear();
    this.byTool.set(toolKey, filter);
    return filter;
  }
}

function toolFilter(policy: GuardPolicy): ToolOutputFilter {
  const secrets = policy.secrets !== 'off';
  const pii = policy.pii === 'off' ? [] : (policy.piiKinds ?? PII_KINDS).map((kind) => PII_PATTERNS[kind]);
  // Secrets come first, so a credential in a URL is one url_credentials finding, not also an email.
  const patterns = [...(secrets ? SECRET_PATTERNS : []), ...pii];
  if (patterns.length === 0) return PASS;
  const scan: BodyScan = { text: textScanner(patterns), credentialFields: secrets };
  const block = policy.secrets === 'block';
  return {
    filter(body): FilteredOutput {
      const counts: RedactionCounts = new Map();
      const filtered = scanBody(body, scan, counts);
      if (counts.size === 0) return { body, redactions: [] };
      const redactions: Redaction[] = [...counts].map(([kind, count]) => ({ kind, count }));
      const blockedKinds = block ? redactions.filter((r) => SECRET_KINDS.has(r.kind)).map((r) => r.kind) : [];
      return { body: filtered, redactions, ...(blockedKinds.length > 0 ? { blockedKinds } : {}) };
    },
  };
}
