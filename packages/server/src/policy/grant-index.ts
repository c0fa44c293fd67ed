import type { Grant, GrantAction } from '../core/grant.js';
import type { AuthorizationDecision, AuthorizationInput, Authorizer } from '../ports/authorizer.js';
import type { Clock } from '../ports/clock.js';

const ACTION_BIT: Readonly<Record<GrantAction, number>> = { list: 1, invoke: 2, approve: 4, administer: 8 };

/** Bits a grant covers; `invoke` implies `list` for allow and deny alike. */
export function actionMask(actions: readonly GrantAction[]): number {
  let mask = 0;
  for (const a of actions) mask |= ACTION_BIT[a] | (a === 'invoke' ? ACTION_BIT.list : 0);
  return mask;
}

/**
 * Whether a grant of the caller (or its roles) on the tool or its plugin applies to one request: the one
 * test decisions and explanations share, so an explanation can never disagree with a decision.
 */
export type GrantFit = 'applies' | 'other_action' | 'expired' | 'other_environment';

/** A grant an explanation looked at, and whether it applied. */
export interface ConsideredGrant {
  readonly grant: Grant;
  readonly fit: GrantFit;
}

interface IndexedGrant {
  readonly grant: Grant;
  readonly mask: number;
  /** Parsed once at load so the hot path never parses dates. */
  readonly expiresAtMs: number;
}

/** Grants of one subject, by target, so a tool costs two Map lookups however many grants the subject has. */
interface TargetIndex {
  readonly tools: Map<string, IndexedGrant[]>;
  readonly plugins: Map<string, IndexedGrant[]>;
}

/**
 * Grants indexed in memory by subject and target, so a decision is a few Map lookups however many
 * grants exist. Semantics: deny by default; allows add up; any applicable deny for the asked action
 * overrides every allow. Among allows, one that does not demand approval is enough. This is the
 * grants-only authorizer; `PolicyAuthorizer` layers the tool's conditional Cedar policies on top.
 */
export class GrantIndex implements Authorizer {
  private principals = new Map<string, TargetIndex>();
  private roles = new Map<string, TargetIndex>();

  constructor(private readonly clock: Clock) {}

  load(grants: readonly Grant[]): void {
    const principals = new Map<string, TargetIndex>();
    const roles = new Map<string, TargetIndex>();
    for (const grant of grants) {
      const bySubject = grant.subjectType === 'principal' ? principals : roles;
      let targets = bySubject.get(grant.subject);
      if (!targets) {
        targets = { tools: new Map(), plugins: new Map() };
        bySubject.set(grant.subject, targets);
      }
      const byTarget = grant.targetType === 'tool' ? targets.tools : targets.plugins;
      const entry: IndexedGrant = {
        grant,
        mask: actionMask(grant.actions),
        expiresAtMs: grant.expiresAt === null ? Infinity : Date.parse(grant.expiresAt),
      };
      const list = byTarget.get(grant.target);
      if (list) list.push(entry);
      else byTarget.set(grant.target, [entry]);
    }
    this.principals = principals;
    this.roles = roles;
  }

  decide(input: AuthorizationInput): AuthorizationDecision {
    const bit = ACTION_BIT[input.action ?? 'invoke'];
    const scan = new Scan(bit, input.environment, this.clock.now());
    scan.subject(this.principals.get(input.principal.id), input.tool.name, input.plugin.name);
    for (const role of input.principal.roles) scan.subject(this.roles.get(role), input.tool.name, input.plugin.name);
    return scan.result(bit === ACTION_BIT.invoke);
  }

  /** Every grant of the principal and its roles on the tool or its plugin, with whether it applies (for explanations). */
  consider(input: AuthorizationInput): ConsideredGrant[] {
    const bit = ACTION_BIT[input.action ?? 'invoke'];
    const now = this.clock.now();
    const out: ConsideredGrant[] = [];
    const subjects = [this.principals.get(input.principal.id), ...input.principal.roles.map((r) => this.roles.get(r))];
    for (const targets of subjects) {
      for (const e of [...(targets?.tools.get(input.tool.name) ?? []), ...(targets?.plugins.get(input.plugin.name) ?? [])]) {
        out.push({ grant: e.grant, fit: grantFit(e, bit, input.environment, now) });
      }
    }
    return out;
  }
}

function grantFit(e: IndexedGrant, bit: number, environment: string, now: number): GrantFit {
  if ((e.mask & bit) === 0) return 'other_action';
  if (e.expiresAtMs <= now) return 'expired';
  if (e.grant.environment !== '*' && e.grant.environment !== environment) return 'other_environment';
  return 'applies';
}

/** One decision's walk over the candidate grants; keeps only what the result needs. */
class Scan {
  private denies: Grant[] | undefined;
  private direct: Grant[] | undefined;
  private supervised: Grant[] | undefined;

  constructor(
    private readonly bit: number,
    private readonly environment: string,
    private readonly now: number,
  ) {}

  subject(targets: TargetIndex | undefined, tool: string, plugin: string): void {
    if (!targets) return;
    this.candidates(targets.tools.get(tool));
    this.candidates(targets.plugins.get(plugin));
  }

  private candidates(list: readonly IndexedGrant[] | undefined): void {
    if (!list) return;
    for (const e of list) {
      if (grantFit(e, this.bit, this.environment, this.now) !== 'applies') continue;
      const g = e.grant;
      if (g.effect === 'deny') (this.denies ??= []).push(g);
      else if (g.requireApproval) (this.supervised ??= []).push(g);
      else (this.direct ??= []).push(g);
    }
  }

  result(invoking: boolean): AuthorizationDecision {
    if (this.denies) {
      return {
        effect: 'deny',
        requiresApproval: false,
        grantIds: ids(this.denies),
        policyIds: [],
        policyVersion: 0,
        reason: `denied by grant ${this.denies.map(describe).join(', ')}`,
      };
    }
    const deciding = this.direct ?? this.supervised;
    if (!deciding) {
      return {
        effect: 'deny',
        requiresApproval: false,
        grantIds: [],
        policyIds: [],
        policyVersion: 0,
        reason: 'no grant allows this (deny by default)',
      };
    }
    return {
      effect: 'allow',
      // Approval is a property of calling; listing or approving never waits for one.
      requiresApproval: invoking && this.direct === undefined,
      grantIds: ids(deciding),
      policyIds: [],
      policyVersion: 0,
      reason: `allowed by grant ${deciding.map(describe).join(', ')}`,
    };
  }
}

function ids(grants: readonly Grant[]): string[] {
  return grants.map((g) => g.id);
}

function describe(g: Grant): string {
  return `${g.id} (${g.subjectType} ${g.subject} → ${g.targetType} ${g.target}, env ${g.environment})`;
}
