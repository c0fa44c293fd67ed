import type { Kysely } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { JsonSchema, RiskTier, Tool, ToolBinding, ToolStatus } from '../core/tool.js';
import type { Database, PluginRow, ToolRow } from './database-schema.js';

/** Plugins and their tools. A plugin and its tools are written in one transaction. */
export class PluginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(plugin: Plugin, tools: readonly Tool[]): Promise<void> {
    if (await this.findByName(plugin.name)) {
      throw new GatewayError('CONFLICT', {
        message: `A plugin named "${plugin.name}" already exists. Remove it first or choose another name.`,
      });
    }
    const names = tools.map((t) => t.name);
    const clash =
      names.length === 0 ? undefined : await this.db.selectFrom('tools').select('name').where('name', 'in', names).executeTakeFirst();
    if (clash)
      throw new GatewayError('CONFLICT', {
        message: `A tool named "${clash.name}" already exists in another plugin. Choose another plugin name.`,
      });
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('plugins').values(toPluginRow(plugin)).execute();
      for (const tool of tools) await trx.insertInto('tools').values(toToolRow(tool, plugin.createdAt)).execute();
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
  };
}

function toPlugin(r: PluginRow): Plugin {
  return {
    id: r.id,
    name: r.name,
    kind: 'openapi',
    title: r.title,
    description: r.description,
    baseUrl: r.base_url,
    allowPrivateNetwork: r.allow_private_network !== 0,
    timeoutMs: r.timeout_ms,
    status: r.status === 'disabled' ? 'disabled' : 'active',
    source: r.source,
    createdAt: r.created_at,
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
  };
}
