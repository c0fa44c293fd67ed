import type { Kysely } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import type { McpConnection, Plugin } from '../core/plugin.js';
import type { ToolReviewState, ToolSnapshot } from '../core/tool-review.js';
import type { JsonSchema, RiskTier, Tool, ToolBinding, ToolStatus } from '../core/tool.js';
import type { Database, PluginRow, ToolRow } from './database-schema.js';

/** Plugins and their tools. A plugin and its tools are written in one transaction. */
export class PluginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(plugin: Plugin, tools: readonly Tool[]): Promise<void> {
    if (await this.findByName(plugin.name)) {
      throw new GatewayError('CONFLICT', {
        message: `A plugin named "${plugin.name}" already exists. Re-import it with "toolgate plugin sync ${plugin.name}", or remove it first.`,
      });
    }
    await this.assertNamesFree(plugin.id, tools);
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('plugins').values(toPluginRow(plugin)).execute();
      for (const tool of tools) await trx.insertInto('tools').values(toToolRow(tool, plugin.createdAt)).execute();
    });
  }

  /**
   * Writes a re-import or re-sync in one transaction: the plugin's new fields, then every tool the
   * reconciliation touched (new rows inserted, known rows updated in place so their ids stay).
   */
  async saveSync(plugin: Plugin, tools: readonly Tool[], now: string): Promise<void> {
    await this.assertNamesFree(plugin.id, tools);
    await this.db.transaction().execute(async (trx) => {
      const { id: _id, created_at: _created, ...fields } = toPluginRow(plugin);
      await trx
        .updateTable('plugins')
        .set({ ...fields, updated_at: now })
        .where('id', '=', plugin.id)
        .execute();
      const known = new Set((await trx.selectFrom('tools').select('id').where('plugin_id', '=', plugin.id).execute()).map((r) => r.id));
      for (const tool of tools) {
        const row = toToolRow(tool, now);
        if (known.has(tool.id)) {
          const { id: _tid, created_at: _tcreated, ...update } = row;
          await trx.updateTable('tools').set(update).where('id', '=', tool.id).execute();
        } else {
          await trx.insertInto('tools').values(row).execute();
        }
      }
    });
  }

  /** Replaces one tool's row (a review decision). */
  async updateTool(tool: Tool, now: string): Promise<void> {
    const { id: _id, created_at: _created, ...update } = toToolRow(tool, now);
    await this.db.updateTable('tools').set(update).where('id', '=', tool.id).execute();
  }

  async findTool(name: string): Promise<Tool | undefined> {
    const row = await this.db
      .selectFrom('tools')
      .innerJoin('plugins', 'plugins.id', 'tools.plugin_id')
      .selectAll('tools')
      .select('plugins.name as plugin_name')
      .where('tools.name', '=', name)
      .executeTakeFirst();
    return row ? toTool(row, row.plugin_name) : undefined;
  }

  async requireTool(name: string): Promise<Tool> {
    const tool = await this.findTool(name);
    if (!tool) throw new GatewayError('NOT_FOUND', { message: `No tool named "${name}". List tools with GET /v1/admin/tools.` });
    return tool;
  }

  /** Tool names are unique across plugins (they are what models and grants use). */
  private async assertNamesFree(pluginId: string, tools: readonly Tool[]): Promise<void> {
    const names = tools.map((t) => t.name);
    if (names.length === 0) return;
    const clash = await this.db
      .selectFrom('tools')
      .select('name')
      .where('name', 'in', names)
      .where('plugin_id', '!=', pluginId)
      .executeTakeFirst();
    if (clash)
      throw new GatewayError('CONFLICT', {
        message: `A tool named "${clash.name}" already exists in another plugin. Choose another plugin name.`,
      });
  }

  async list(): Promise<Plugin[]> {
    return (await this.db.selectFrom('plugins').selectAll().orderBy('name').execute()).map(toPlugin);
  }

  async findByName(name: string): Promise<Plugin | undefined> {
    const row = await this.db.selectFrom('plugins').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toPlugin(row) : undefined;
  }

  async require(name: string): Promise<Plugin> {
    const plugin = await this.findByName(name);
    if (!plugin) throw new GatewayError('NOT_FOUND', { message: `No plugin named "${name}". List plugins with GET /v1/admin/plugins.` });
    return plugin;
  }

  async setBaseUrl(name: string, baseUrl: string, now: Date): Promise<void> {
    await this.db.updateTable('plugins').set({ base_url: baseUrl, updated_at: now.toISOString() }).where('name', '=', name).execute();
  }

  /** Removes the plugin, its tools, and every grant that named them (so a later plugin of the same name starts with none). */
  async remove(name: string): Promise<{ tools: number; grants: number }> {
    const plugin = await this.require(name);
    return this.db.transaction().execute(async (trx) => {
      const tools = await trx.selectFrom('tools').select('name').where('plugin_id', '=', plugin.id).execute();
      let grants = 0;
      const byPlugin = await trx.deleteFrom('grants').where('target_type', '=', 'plugin').where('target', '=', name).executeTakeFirst();
      grants += Number(byPlugin.numDeletedRows);
      if (tools.length > 0) {
        const byTool = await trx
          .deleteFrom('grants')
          .where('target_type', '=', 'tool')
          .where(
            'target',
            'in',
            tools.map((t) => t.name),
          )
          .executeTakeFirst();
        grants += Number(byTool.numDeletedRows);
      }
      await trx.deleteFrom('tools').where('plugin_id', '=', plugin.id).execute();
      await trx.deleteFrom('plugins').where('id', '=', plugin.id).execute();
      return { tools: tools.length, grants };
    });
  }

  async listTools(pluginId?: string): Promise<Tool[]> {
    let q = this.db
      .selectFrom('tools')
      .innerJoin('plugins', 'plugins.id', 'tools.plugin_id')
      .selectAll('tools')
      .select('plugins.name as plugin_name')
      .orderBy('tools.name');
    if (pluginId !== undefined) q = q.where('tools.plugin_id', '=', pluginId);
    return (await q.execute()).map((r) => toTool(r, r.plugin_name));
  }
}

function toPluginRow(p: Plugin): PluginRow {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    title: p.title,
    description: p.description,
    base_url: p.baseUrl,
    allow_private_network: p.allowPrivateNetwork ? 1 : 0,
    timeout_ms: p.timeoutMs,
    status: p.status,
    source: p.source,
    created_at: p.createdAt,
    updated_at: p.createdAt,
    instructions: p.instructions ?? null,
    credential_requirements: p.credentialRequirements ? JSON.stringify(p.credentialRequirements) : null,
    connection: p.connection ? JSON.stringify(p.connection) : null,
    synced_at: p.syncedAt ?? null,
  };
}

function toPlugin(r: PluginRow): Plugin {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind === 'mcp' ? 'mcp' : 'openapi',
    title: r.title,
    description: r.description,
    baseUrl: r.base_url,
    allowPrivateNetwork: r.allow_private_network !== 0,
    timeoutMs: r.timeout_ms,
    status: r.status === 'disabled' ? 'disabled' : 'active',
    source: r.source,
    createdAt: r.created_at,
    ...(r.instructions !== null ? { instructions: r.instructions } : {}),
    ...(r.credential_requirements !== null
      ? { credentialRequirements: JSON.parse(r.credential_requirements) as Record<string, unknown>[] }
      : {}),
    ...(r.connection !== null ? { connection: JSON.parse(r.connection) as McpConnection } : {}),
    ...(r.synced_at !== null ? { syncedAt: r.synced_at } : {}),
  };
}

function toToolRow(t: Tool, createdAt: string): ToolRow {
  return {
    id: t.id,
    plugin_id: t.pluginId,
    name: t.name,
    source_name: t.sourceName,
    title: t.title ?? null,
    description: t.description,
    input_schema: JSON.stringify(t.inputSchema),
    output_schema: t.outputSchema ? JSON.stringify(t.outputSchema) : null,
    annotations: t.annotations ? JSON.stringify(t.annotations) : null,
    risk_tier: t.riskTier,
    binding: JSON.stringify(t.binding),
    definition_hash: t.definitionHash,
    status: t.status,
    created_at: createdAt,
    approved_hash: t.approvedHash ?? null,
    approved_definition: t.approvedDefinition ? JSON.stringify(t.approvedDefinition) : null,
    review: t.review ? JSON.stringify(t.review) : null,
    reviewed_by: t.reviewedBy ?? null,
    reviewed_at: t.reviewedAt ?? null,
    updated_at: createdAt,
  };
}

function toTool(r: ToolRow, pluginName: string): Tool {
  return {
    id: r.id,
    pluginId: r.plugin_id,
    pluginName,
    name: r.name,
    sourceName: r.source_name,
    ...(r.title !== null ? { title: r.title } : {}),
    description: r.description,
    inputSchema: JSON.parse(r.input_schema) as JsonSchema,
    ...(r.output_schema !== null ? { outputSchema: JSON.parse(r.output_schema) as JsonSchema } : {}),
    ...(r.annotations !== null ? { annotations: JSON.parse(r.annotations) as Record<string, unknown> } : {}),
    riskTier: r.risk_tier as RiskTier,
    binding: JSON.parse(r.binding) as ToolBinding,
    definitionHash: r.definition_hash,
    status: r.status as ToolStatus,
    ...(r.approved_hash !== null ? { approvedHash: r.approved_hash } : {}),
    ...(r.approved_definition !== null ? { approvedDefinition: JSON.parse(r.approved_definition) as ToolSnapshot } : {}),
    ...(r.review !== null ? { review: JSON.parse(r.review) as ToolReviewState } : {}),
    ...(r.reviewed_by !== null ? { reviewedBy: r.reviewed_by } : {}),
    ...(r.reviewed_at !== null ? { reviewedAt: r.reviewed_at } : {}),
  };
}
