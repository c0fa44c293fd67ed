import { sql, type Kysely } from 'kysely';

/**
 * Pinned tool definitions and what a plugin declares besides its tools.
 * tools: the definition an admin approved (hash and snapshot) and the pending review, if any.
 * plugins: model-facing instructions, credential requirements, and how to reach an MCP server.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tools').addColumn('approved_hash', 'text').execute();
  await db.schema.alterTable('tools').addColumn('approved_definition', 'text').execute();
  await db.schema.alterTable('tools').addColumn('review', 'text').execute();
  await db.schema.alterTable('tools').addColumn('reviewed_by', 'text').execute();
  await db.schema.alterTable('tools').addColumn('reviewed_at', 'text').execute();
  await db.schema.alterTable('tools').addColumn('updated_at', 'text').execute();
  await db.schema.alterTable('plugins').addColumn('instructions', 'text').execute();
  await db.schema.alterTable('plugins').addColumn('credential_requirements', 'text').execute();
  await db.schema.alterTable('plugins').addColumn('connection', 'text').execute();
  await db.schema.alterTable('plugins').addColumn('synced_at', 'text').execute();
  // `disabled` is no longer a tool status; an admin had blocked those tools, which is now `rejected`.
  await sql`update tools set status = 'rejected' where status = 'disabled'`.execute(db);
  // Tools imported before pinning existed were live: their current definition is the approved one.
  const live = await sql<LegacyToolRow>`select id, name, description, input_schema, output_schema, annotations, risk_tier, binding,
    definition_hash from tools where status = 'active'`.execute(db);
  for (const row of live.rows) {
    const snapshot = {
      name: row.name,
      description: row.description,
      inputSchema: JSON.parse(row.input_schema) as unknown,
      ...(row.output_schema !== null ? { outputSchema: JSON.parse(row.output_schema) as unknown } : {}),
      ...(row.annotations !== null ? { annotations: JSON.parse(row.annotations) as unknown } : {}),
      riskTier: row.risk_tier,
      binding: JSON.parse(row.binding) as unknown,
      definitionHash: row.definition_hash,
    };
    await sql`update tools set approved_hash = ${row.definition_hash}, approved_definition = ${JSON.stringify(snapshot)} where id = ${row.id}`.execute(
      db,
    );
  }
}

interface LegacyToolRow {
  id: string;
  name: string;
  description: string;
  input_schema: string;
  output_schema: string | null;
  annotations: string | null;
  risk_tier: string;
  binding: string;
  definition_hash: string;
}
