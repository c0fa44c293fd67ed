import { GatewayError } from '../core/gateway-error.js';
import type { Policy, PolicyChange, PolicyChangeAction, PolicyStatus, PolicyTargetType } from '../core/policy.js';
import type { Tool } from '../core/tool.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { ToolCatalog } from '../ports/tool-catalog.js';
import { schemaAsText, toolPolicySchema } from './cedar-schema.js';
import type { PolicyIndex } from './policy-index.js';
import { validatePolicy, type PolicyProblem } from './validate-policy.js';

export interface PolicyInput {
  readonly name: string;
  readonly description: string;
  readonly targetType: PolicyTargetType;
  readonly target: string;
  readonly cedar: string;
  readonly status: PolicyStatus;
}

export interface SavedPolicy {
  readonly policy: Policy;
  readonly policyVersion: number;
  /** Cedar validation warnings (e.g. "policy is impossible" for a tool of the plugin it cannot match). */
  readonly warnings: readonly PolicyProblem[];
}

/**
 * Saving conditional policies: validate against the schema of every tool the policy applies to, store
 * (which bumps the policy version and logs the change), then reload the in-memory index.
 */
export class PolicyAdmin {
  constructor(
    private readonly store: PolicyStore,
    private readonly catalog: ToolCatalog,
    private readonly index: PolicyIndex,
  ) {}

  /** Loads every policy into the index (at start and after each change). */
  async refresh(): Promise<void> {
    const [policies, version] = await Promise.all([this.store.list(), this.store.version()]);
    this.index.load(policies, version);
  }

  list(): Promise<Policy[]> {
    return this.store.list();
  }

  /** The stored version (what every node converges to), not this node's in-memory one. */
  version(): Promise<number> {
    return this.store.version();
  }

  changes(limit: number, policyId?: string): Promise<PolicyChange[]> {
    return this.store.changes({ limit, ...(policyId !== undefined ? { policyId } : {}) });
  }

  async create(input: PolicyInput, actor: string, now: Date): Promise<SavedPolicy> {
    const warnings = this.check({ ...draft(input, actor, now), id: 'new' });
    const { policy, version } = await this.store.create({ ...input, createdBy: actor }, now);
    await this.refresh();
    return { policy, policyVersion: version, warnings };
  }

  async update(idOrName: string, input: PolicyInput, actor: string, now: Date): Promise<SavedPolicy> {
    const existing = await this.require(idOrName);
    const warnings = this.check({ ...existing, ...input });
    const action: PolicyChangeAction = existing.status === 'shadow' && input.status === 'active' ? 'activate' : 'update';
    const { policy, version } = await this.store.update(existing.id, { ...input, createdBy: actor }, action, now);
    await this.refresh();
    return { policy, policyVersion: version, warnings };
  }

  async remove(idOrName: string, actor: string, now: Date): Promise<{ policy: Policy; policyVersion: number }> {
    const existing = await this.require(idOrName);
    const { version } = await this.store.remove(existing.id, actor, now);
    await this.refresh();
    return { policy: existing, policyVersion: version };
  }

  async require(idOrName: string): Promise<Policy> {
    const found = await this.store.find(idOrName);
    if (!found) throw new GatewayError('NOT_FOUND', { message: `No policy "${idOrName}". List policies with GET /v1/admin/policies.` });
    return found;
  }

  /** The generated Cedar schema of one tool, as JSON and as Cedar schema text, with the arguments it leaves out. */
  schemaFor(toolName: string): { tool: string; schema: unknown; text: string; omittedArgs: readonly { path: string; reason: string }[] } {
    const entry = this.catalog.get(toolName);
    if (!entry) throw new GatewayError('NOT_FOUND', { message: `No tool named "${toolName}". List tools with GET /v1/admin/tools.` });
    const { schema, omitted } = toolPolicySchema(entry.tool, this.index.principalAttributeTypes);
    return { tool: toolName, schema, text: schemaAsText(schema), omittedArgs: omitted };
  }

  /** Validates against every tool the policy applies to; a missing target is NOT_FOUND. */
  private check(policy: Policy): PolicyProblem[] {
    return validatePolicy(policy, this.toolsOf(policy.targetType, policy.target), this.index.principalAttributeTypes);
  }

  private toolsOf(type: PolicyTargetType, target: string): Tool[] {
    if (type === 'tool') {
      const entry = this.catalog.get(target);
      if (!entry) {
        throw new GatewayError('NOT_FOUND', {
          message: `No tool named "${target}". List tools with GET /v1/admin/tools.`,
          details: { path: 'body/tool' },
        });
      }
      return [entry.tool];
    }
    const tools = this.catalog
      .list()
      // A removed tool cannot be called, so its schema does not constrain the policy.
      .filter((e) => e.plugin.name === target && e.tool.status !== 'removed')
      .map((e) => e.tool);
    if (tools.length === 0) {
      throw new GatewayError('NOT_FOUND', {
        message: `No plugin named "${target}" with tools. List plugins with GET /v1/admin/plugins.`,
        details: { path: 'body/plugin' },
      });
    }
    return tools;
  }
}

function draft(input: PolicyInput, actor: string, now: Date): Omit<Policy, 'id'> {
  const time = now.toISOString();
  return { ...input, createdBy: actor, createdAt: time, updatedAt: time };
}
