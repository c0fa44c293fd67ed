import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.js';
import { matrixMcpStdio } from './support/matrix-mcp-server.js';
import { startScriptedModelServer, type ScriptedModelServer } from './support/scripted-model-server.js';
import {
  chatDriver,
  mcpDriver,
  restDriver,
  type Args,
  type CallOutcome,
  type Caller,
  type Listing,
  type SurfaceDriver,
  type SurfaceName,
} from './support/surface-drivers.js';
import { createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * DESIGN.md §1: a surface never makes its own authorization decision. This suite asks REST, MCP and chat
 * the same questions, for every principal × every tool × a few argument probes, and requires the same
 * answers from all three, equal to the admin's expectation table below, with every call audited once
 * under its own surface. Rows are generated: a principal added to PRINCIPALS or a tool (with its probes)
 * added to TOOLS adds its rows on every surface.
 */

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;
const MODEL = 'matrix-model';
const HOUR = 3_600_000;

// ── The tools, with argument probes ──────────────────────────────────────────────────────────────────

/**
 * `runs`: the arguments pass validation and every policy, so the principal's authorization decides; a
 * caller allowed to call gets the tool's own answer (`ok` / `tool_error`), or approval where needed.
 * An error code: validation (ARGS_*) or a conditional policy on the tool (POLICY_DENIED) refuses these
 * arguments, whoever calls, once the tool is visible; both come before approval in the pipeline.
 */
type ProbeVerdict = 'runs' | 'ARGS_INVALID' | 'ARGS_UNKNOWN' | 'POLICY_DENIED';

interface Probe {
  readonly label: string;
  readonly args: Args;
  readonly verdict: ProbeVerdict;
}

interface ToolCase {
  readonly name: string;
  /** What the tool answers when it runs with the `runs` probes' arguments. */
  readonly answers: 'ok' | 'tool_error';
  /** Its risk tier is one the gateway's approval.requiredTiers lists (default: consequential, destructive). */
  readonly tierNeedsApproval: boolean;
  readonly probes: readonly Probe[];
}

const valid = (args: Args): Probe => ({ label: 'valid', args, verdict: 'runs' });
const invalid = (args: Args): Probe => ({ label: 'invalid', args, verdict: 'ARGS_INVALID' });
const unknown = (args: Args): Probe => ({ label: 'unknown field', args, verdict: 'ARGS_UNKNOWN' });
const forbidden = (label: string, args: Args): Probe => ({ label, args, verdict: 'POLICY_DENIED' });
const NEW_ORDER = { customerId: 'cus_ada', items: [{ sku: 'BOOK-001', quantity: 1, unitPrice: 12.5 }], currency: 'EUR' };

const TOOLS: readonly ToolCase[] = [
  {
    name: 'orders__list_orders',
    answers: 'ok',
    tierNeedsApproval: false,
    probes: [valid({ limit: 2 }), invalid({ limit: 0 }), unknown({ limit: 2, sort: 'asc' })],
  },
  {
    name: 'orders__create_order',
    answers: 'ok',
    tierNeedsApproval: false,
    probes: [valid({ body: NEW_ORDER }), invalid({ body: { ...NEW_ORDER, items: [] } }), unknown({ body: NEW_ORDER, dryRun: true })],
  },
  {
    name: 'orders__get_order',
    answers: 'ok',
    tierNeedsApproval: false,
    probes: [valid({ orderId: 'ord_1001' }), invalid({ orderId: '../admin' }), unknown({ orderId: 'ord_1001', includeSecrets: true })],
  },
  {
    name: 'orders__delete_order',
    answers: 'ok',
    tierNeedsApproval: true,
    probes: [valid({ orderId: 'ord_1004' }), invalid({})],
  },
  {
    name: 'orders__refund_order',
    answers: 'ok',
    tierNeedsApproval: true,
    probes: [
      valid({ orderId: 'ord_1001', body: { amount: 5 } }),
      forbidden('over 100', { orderId: 'ord_1001', body: { amount: 150 } }),
      invalid({ orderId: 'ord_1001', body: { amount: 0 } }),
      unknown({ orderId: 'ord_1001', body: { amount: 5, currency: 'EUR' } }),
    ],
  },
  {
    name: 'orders__get_customer',
    answers: 'tool_error',
    tierNeedsApproval: false,
    // A customer that does not exist: the upstream answers 404, which is the tool's error, not ours.
    probes: [valid({ customerId: 'cus_nobody' }), invalid({ customerId: 'ada' })],
  },
  {
    name: 'crm__find_contact',
    answers: 'ok',
    tierNeedsApproval: false,
    probes: [valid({ contactId: 'con_1' }), invalid({}), unknown({ contactId: 'con_1', deep: true })],
  },
  {
    name: 'crm__add_note',
    answers: 'ok',
    tierNeedsApproval: false,
    probes: [valid({ contactId: 'con_1', text: 'called back' }), invalid({ contactId: 'con_1', text: '' })],
  },
  {
    name: 'crm__erase_contact',
    answers: 'ok',
    tierNeedsApproval: true,
    probes: [valid({ contactId: 'con_1' }), invalid({ contactId: 'nope' })],
  },
  {
    name: 'crm__sync_status',
    answers: 'tool_error',
    tierNeedsApproval: false,
    probes: [valid({}), unknown({ force: true })],
  },
];

/**
 * Conditional (Cedar) policies, attached to tools: they judge a call's arguments for everyone the grants
 * let call the tool, after validation and before approval. Listing does not consult them.
 */
const POLICIES: readonly { name: string; tool: string; cedar: string }[] = [
  {
    name: 'refunds-under-100',
    tool: 'orders__refund_order',
    cedar: 'permit(principal, action, resource) when { context.args.body.amount.lessThan(decimal("100.0")) };',
  },
];

/**
 * Tools a surface itself provides to every authenticated caller, outside grants: not plugin tools, so not
 * in the matrix. MCP clients poll parked calls with a tool; REST callers use GET /v1/approvals/{id}.
 */
const SURFACE_BUILT_INS: Readonly<Record<SurfaceName, readonly string[]>> = {
  rest: [],
  mcp: ['toolgate_approval_status'],
  chat: [],
};

/** A name no plugin has: must be indistinguishable from a tool the caller may not see. */
const NO_SUCH_TOOL = 'orders__launch_rockets';
const ALL = TOOLS.map((tool) => tool.name);
const ORDERS = ALL.filter((name) => name.startsWith('orders__'));
const CRM = ALL.filter((name) => name.startsWith('crm__'));

// ── The principals, with the admin's expectation ─────────────────────────────────────────────────────

interface GrantSpec {
  /** `principal:<self>` when omitted. */
  readonly subject?: string;
  readonly target: string;
  readonly effect?: 'allow' | 'deny';
  readonly environment?: string;
  readonly requireApproval?: boolean;
  /** Hours from set-up; the clock moves past every expiry before any surface is asked. */
  readonly expiresInHours?: number;
}

type Verdict = CallOutcome;

/**
 * What a call that needs approval gets: it is recorded as an approval request and parked (APPROVAL_PENDING,
 * with the request's id), on every surface alike. A gateway without an approval store would refuse it with
 * APPROVAL_REQUIRED instead; only this line would change.
 */
const APPROVAL: Verdict = { outcome: 'pending', code: 'APPROVAL_PENDING' };

interface PrincipalCase {
  readonly name: string;
  readonly roles?: readonly string[];
  readonly grants: readonly GrantSpec[];
  /** Applied after the MCP sessions are open, so MCP is asked on a session opened while the key was good. */
  readonly then?: 'disable' | 'revoke key';
  /** The admin's expectation: exactly the tools this principal may see, or the code every request gets. */
  readonly sees: readonly string[] | { readonly refusedAs: ErrorCode };
  /** Visible tools its grants send to approval. */
  readonly approvalFor?: readonly string[];
  /** Explicit verdicts for `<tool> [<probe label>]` rows the rules above do not derive (e.g. policies). */
  readonly verdicts?: Readonly<Record<string, Verdict>>;
}

/** Role grants: `clerk` may use the orders plugin, `crm-user` the CRM plugin. */
const ROLE_GRANTS: readonly GrantSpec[] = [
  { subject: 'role:clerk', target: 'plugin:orders' },
  { subject: 'role:crm-user', target: 'plugin:crm' },
];

const PRINCIPALS: readonly PrincipalCase[] = [
  { name: 'no-grants', grants: [], sees: [] },
  { name: 'clerk', roles: ['clerk'], grants: [], sees: ORDERS },
  { name: 'two-roles', roles: ['clerk', 'crm-user'], grants: [], sees: ALL },
  { name: 'note-taker', grants: [{ target: 'tool:crm__add_note' }], sees: ['crm__add_note'] },
  {
    name: 'restricted-clerk',
    roles: ['clerk'],
    grants: [{ target: 'tool:orders__get_order', effect: 'deny' }],
    sees: ORDERS.filter((name) => name !== 'orders__get_order'),
  },
  {
    name: 'lapsed',
    grants: [{ target: 'plugin:crm', expiresInHours: 1 }, { target: 'tool:orders__get_customer' }],
    sees: ['orders__get_customer'],
  },
  {
    name: 'prod-only',
    // The gateway runs as "development" (the default): the production grant does not apply here.
    grants: [
      { target: 'plugin:crm', environment: 'production' },
      { target: 'plugin:orders', environment: 'development' },
    ],
    sees: ORDERS,
  },
  { name: 'disabled', roles: ['clerk'], grants: [], then: 'disable', sees: { refusedAs: 'AUTH_REVOKED' } },
  { name: 'revoked', roles: ['clerk'], grants: [], then: 'revoke key', sees: { refusedAs: 'AUTH_REVOKED' } },
  {
    name: 'supervised',
    grants: [{ target: 'tool:orders__list_orders', requireApproval: true }, { target: 'plugin:crm' }],
    sees: ['orders__list_orders', ...CRM],
    approvalFor: ['orders__list_orders'],
  },
];

/** One question asked of every surface. */
interface Row {
  readonly key: string;
  readonly principal: PrincipalCase;
  readonly tool: string;
  readonly args: Args;
  readonly expected: Verdict;
}

function expectedVerdict(p: PrincipalCase, tool: ToolCase | undefined, probe: Probe): Verdict {
  const explicit = p.verdicts?.[`${tool?.name ?? NO_SUCH_TOOL} [${probe.label}]`];
  if (explicit) return explicit;
  if ('refusedAs' in p.sees) return { outcome: 'refused', code: p.sees.refusedAs };
  // Resolving the tool comes before validating its arguments: an invisible tool is not found, whatever the arguments.
  if (tool === undefined || !p.sees.includes(tool.name)) return { outcome: 'refused', code: 'TOOL_NOT_FOUND' };
  if (probe.verdict !== 'runs') return { outcome: 'refused', code: probe.verdict };
  if (tool.tierNeedsApproval || p.approvalFor?.includes(tool.name)) return APPROVAL;
  return { outcome: tool.answers };
}

const ROWS: readonly Row[] = PRINCIPALS.flatMap((principal) => [
  ...TOOLS.flatMap((tool) =>
    tool.probes.map((probe) => ({
      key: `${principal.name} × ${tool.name} [${probe.label}]`,
      principal,
      tool: tool.name,
      args: probe.args,
      expected: expectedVerdict(principal, tool, probe),
    })),
  ),
  {
    key: `${principal.name} × ${NO_SUCH_TOOL} [valid]`,
    principal,
    tool: NO_SUCH_TOOL,
    args: {},
    expected: expectedVerdict(principal, undefined, valid({})),
  },
]);

const show = (v: Verdict): string => [v.outcome, v.code, v.note === undefined ? undefined : `(${v.note})`].filter(Boolean).join(' ');
const showListing = (l: Listing): string | readonly string[] => ('refused' in l ? `refused ${l.refused}` : l.tools);
const expectedListing = (p: PrincipalCase, builtIns: readonly string[] = []): string | readonly string[] =>
  'refusedAs' in p.sees ? `refused ${p.sees.refusedAs}` : [...p.sees, ...builtIns].sort();
/** A listing without the surface's built-ins, to compare surfaces on plugin tools. */
const pluginTools = (listing: Record<string, string | readonly string[]>, surface: SurfaceName) =>
  Object.fromEntries(
    Object.entries(listing).map(([name, l]) => [
      name,
      typeof l === 'string' ? l : l.filter((x) => !SURFACE_BUILT_INS[surface].includes(x)),
    ]),
  );

// ── Audit expectations ───────────────────────────────────────────────────────────────────────────────

interface AuditRecord {
  readonly type: string;
  readonly surface: string;
  readonly requestId: string;
  readonly action: string;
  readonly principalName: string | null;
  readonly decision: string;
  readonly outcome: string;
  readonly errorCode: string | null;
}

const auditLine = (e: Omit<AuditRecord, 'requestId'>): string =>
  `${e.type} ${e.surface} ${e.action} by ${e.principalName ?? '-'}: ${e.decision}/${e.outcome}${e.errorCode ? ` ${e.errorCode}` : ''}`;

/** The audit records one call must leave, as `auditLine`s. */
function expectedAudit(surface: SurfaceName, row: Row): string[] {
  const v = row.expected;
  const authRefused = v.code !== undefined && v.code.startsWith('AUTH_');
  const principalName = authRefused ? null : row.principal.name;
  const decision =
    v.outcome === 'ok' || v.outcome === 'tool_error'
      ? 'allow'
      : v.code === 'APPROVAL_REQUIRED' || v.code === 'APPROVAL_PENDING'
        ? 'approval_required'
        : 'deny';
  const outcome = v.outcome === 'ok' ? 'success' : v.outcome === 'tool_error' ? 'tool_error' : 'not_run';
  const call = { type: 'tool_call', surface, action: row.tool, principalName, decision, outcome, errorCode: v.code ?? null };
  if (surface !== 'chat') return [auditLine(call)];
  // A chat turn refused at authentication never reaches the model, so no tool call exists: the turn is audited.
  if (authRefused) {
    return [auditLine({ ...call, type: 'chat', action: 'chat.completions' })];
  }
  const turn = { type: 'chat', surface, action: 'chat.completions', principalName, decision: 'allow', outcome: 'success', errorCode: null };
  return [auditLine(call), auditLine(turn)].sort();
}

async function auditAfter(t: TestGateway, seq: number): Promise<{ events: (AuditRecord & { seq: number })[]; last: number }> {
  const events: (AuditRecord & { seq: number })[] = [];
  let after = seq;
  for (;;) {
    const res = await t.api('GET', `/v1/admin/audit?after=${after}&limit=1000`);
    if (res.status !== 200) throw new Error(`audit: ${JSON.stringify(res.body)}`);
    const page = res.body.events as (AuditRecord & { seq: number })[];
    events.push(...page);
    if (page.length < 1000) return { events, last: res.body.nextAfter as number };
    after = res.body.nextAfter as number;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time (principals in parallel, each one's rows in order). */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

// ── The suite ─────────────────────────────────────────────────────────────────────────────────────────

describe('authorization matrix: REST, MCP and chat decide alike', () => {
  let t: TestGateway;
  let model: ScriptedModelServer;
  let orders: { url: string; close(): Promise<void> };
  let now = Date.now();
  const callers = new Map<string, Caller>();
  const keyIds = new Map<string, string>();
  let drivers: SurfaceDriver[] = [];
  const listings: Record<SurfaceName, Record<string, string | readonly string[]>> = { rest: {}, mcp: {}, chat: {} };
  const decisions: Record<SurfaceName, Record<string, string>> = { rest: {}, mcp: {}, chat: {} };

  const callerOf = (p: PrincipalCase): Caller => {
    const caller = callers.get(p.name);
    if (!caller) throw new Error(`no caller ${p.name}`);
    return caller;
  };
  const admin = async (method: string, path: string, body?: unknown): Promise<void> => {
    const res = await t.api(method, path, body === undefined ? {} : { body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    model = await startScriptedModelServer({ models: [MODEL] });
    t = await startTestGateway(
      {
        TOOLGATE_MCP__ALLOW_STDIO: 'true',
        // Small pages, so listing on MCP goes through the cursor as a real client's would.
        TOOLGATE_MCP__PAGE_SIZE: '3',
        TOOLGATE_MODELS__PROVIDERS: JSON.stringify([{ name: 'scripted', baseUrl: model.url, models: [MODEL] }]),
      },
      { clock: { now: () => now } },
    );
    await admin('POST', '/v1/admin/plugins', {
      name: 'orders',
      source: specPath,
      spec: readFileSync(specPath, 'utf8'),
      baseUrl: orders.url,
      allowPrivateNetwork: true,
    });
    await admin('POST', '/v1/admin/plugins', { name: 'crm', mcp: matrixMcpStdio() });
    for (const grant of ROLE_GRANTS) await admin('POST', '/v1/admin/grants', grant);
    for (const policy of POLICIES) await admin('POST', '/v1/admin/policies', policy);
    for (const p of PRINCIPALS) {
      const created = await createCaller(t, p.name, [...(p.roles ?? [])]);
      callers.set(p.name, { name: p.name, key: created.key });
      keyIds.set(p.name, created.keyId);
      for (const g of p.grants) {
        await admin('POST', '/v1/admin/grants', {
          subject: g.subject ?? `principal:${p.name}`,
          target: g.target,
          ...(g.effect !== undefined ? { effect: g.effect } : {}),
          ...(g.environment !== undefined ? { environment: g.environment } : {}),
          ...(g.requireApproval !== undefined ? { requireApproval: g.requireApproval } : {}),
          ...(g.expiresInHours !== undefined ? { expiresAt: new Date(now + g.expiresInHours * HOUR).toISOString() } : {}),
        });
      }
    }
    // Expiring grants work until the clock passes them: otherwise the rows of their principals would prove nothing.
    for (const p of PRINCIPALS.filter((x) => x.grants.some((g) => g.expiresInHours !== undefined))) {
      const before = showListing(await restDriver(t).list(callerOf(p)));
      if (JSON.stringify(before) === JSON.stringify(expectedListing(p))) {
        throw new Error(`${p.name}: its expiring grant changed nothing before it expired (${JSON.stringify(before)})`);
      }
    }
    now += 2 * HOUR;

    drivers = [restDriver(t), mcpDriver(t), chatDriver(t, model, MODEL)];
    for (const driver of drivers) await driver.prepare([...callers.values()]);
    for (const p of PRINCIPALS) {
      if (p.then === 'disable') await admin('PATCH', `/v1/admin/principals/${p.name}`, { disabled: true });
      if (p.then === 'revoke key') await admin('POST', `/v1/admin/keys/${keyIds.get(p.name) ?? ''}/revoke`);
    }
  }, 60_000);

  afterAll(async () => {
    for (const driver of drivers) await driver.close();
    await t?.close();
    await model?.close();
    await orders?.close();
  });

  it('covers every tool in the catalog, and every tool is active', async () => {
    const res = await t.api('GET', '/v1/admin/tools');
    const catalog = (res.body.tools as { name: string; status: string }[]).map((x) => `${x.name} ${x.status}`).sort();
    expect(catalog).toEqual(ALL.map((name) => `${name} active`).sort());
  });

  for (const surface of ['rest', 'mcp', 'chat'] as const) {
    it(`${surface}: lists exactly the tools the admin expects, for every principal`, async () => {
      const driver = drivers.find((d) => d.surface === surface);
      if (!driver) throw new Error(`no ${surface} driver`);
      for (const p of PRINCIPALS) listings[surface][p.name] = showListing(await driver.list(callerOf(p)));
      expect(listings[surface]).toEqual(
        Object.fromEntries(PRINCIPALS.map((p) => [p.name, expectedListing(p, SURFACE_BUILT_INS[surface])])),
      );
    });

    it(`${surface}: decides every principal × tool × probe as the admin expects, and audits each call once`, async () => {
      const driver = drivers.find((d) => d.surface === surface);
      if (!driver) throw new Error(`no ${surface} driver`);
      const { last: before } = await auditAfter(t, 0);
      const requestIds = new Map<string, string>();
      await inParallel(PRINCIPALS, 3, async (p) => {
        const rows = ROWS.filter((row) => row.principal === p);
        for (const [i, row] of rows.entries()) {
          const requestId = `matrix-${surface}-${p.name}-${i}`;
          requestIds.set(row.key, requestId);
          decisions[surface][row.key] = show(await driver.call(callerOf(p), row.tool, row.args, requestId));
        }
      });
      // Soft, so the audit comparison below is reported as well.
      expect.soft(decisions[surface]).toEqual(Object.fromEntries(ROWS.map((row) => [row.key, show(row.expected)])));

      const { events } = await auditAfter(t, before);
      const byRequest = new Map<string, string[]>();
      for (const e of events) {
        if (e.type !== 'tool_call' && e.type !== 'chat') continue;
        byRequest.set(e.requestId, [...(byRequest.get(e.requestId) ?? []), auditLine(e)]);
      }
      const audited = Object.fromEntries(ROWS.map((row) => [row.key, (byRequest.get(requestIds.get(row.key) ?? '') ?? []).sort()]));
      expect(audited).toEqual(Object.fromEntries(ROWS.map((row) => [row.key, expectedAudit(surface, row)])));
    }, 60_000);
  }

  // Each surface was held to the table above; this says it once more as the property itself, so a wrong
  // expectation cannot hide a disagreement between surfaces.
  it('the three surfaces agree with each other, row by row', () => {
    expect(pluginTools(listings.mcp, 'mcp')).toEqual(pluginTools(listings.rest, 'rest'));
    expect(pluginTools(listings.chat, 'chat')).toEqual(pluginTools(listings.rest, 'rest'));
    expect(decisions.mcp).toEqual(decisions.rest);
    expect(decisions.chat).toEqual(decisions.rest);
    expect(Object.keys(decisions.rest)).toHaveLength(ROWS.length);
  });
});
