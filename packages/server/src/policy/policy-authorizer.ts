import { canonicalDigest } from '../core/canonical-digest.js';
import type { Policy } from '../core/policy.js';
import { decisionWord, type ShadowDiff } from '../core/shadow-diff.js';
import type { Tool } from '../core/tool.js';
import type { AuthorizationDecision, AuthorizationInput, Authorizer } from '../ports/authorizer.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ShadowDiffSink } from '../ports/shadow-diff-sink.js';
import type { PrincipalAttributeTypes } from './cedar-schema.js';
import { evaluatePolicies, type PolicyOutcome } from './evaluate-policies.js';
import type { ConsideredGrant, GrantIndex } from './grant-index.js';
import type { PolicyIndex, PolicySet } from './policy-index.js';
import type { ZonedNow } from './zoned-now.js';

/**
 * The gateway's authorizer: grants first (a few Map lookups); only when they allow an `invoke` and the
 * tool has active conditional policies attached does Cedar run, and only on those. Listing, approving
 * and administering are decided by grants alone (argument conditions apply to calls).
 */
export class PolicyAuthorizer implements Authorizer {
  constructor(
    private readonly grants: GrantIndex,
    private readonly policies: PolicyIndex,
    private readonly zonedNow: ZonedNow,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Where differences between the live and the candidate policy set go; without it shadow policies are not compared. */
    private readonly shadowDiffs?: ShadowDiffSink,
  ) {}

  /** Config `policy.principalAttributes`: what principal attributes may hold, checked when they are saved. */
  get principalAttributeTypes(): PrincipalAttributeTypes {
    return this.policies.principalAttributeTypes;
  }

  /** The policy version decisions are currently made under. */
  get policyVersion(): number {
    return this.policies.policyVersion;
  }

  decide(input: AuthorizationInput): AuthorizationDecision {
    const detail = this.decideInDetail(input);
    // Only an invoke the grants allow reaches the policies, so only there can a shadow policy differ.
    if (this.shadowDiffs && detail.byGrants.effect === 'allow' && isInvoke(input) && this.policies.has(input.tool, 'shadow')) {
      this.compareShadow(input, detail.decision, this.shadowDiffs);
    }
    return detail.decision;
  }

  /** The decision with the layers that made it (grants, then the active policies), for explanations. */
  decideInDetail(input: AuthorizationInput): DetailedDecision {
    const byGrants = this.grants.decide(input);
    const policyVersion = this.policies.policyVersion;
    if (byGrants.effect === 'deny' || !isInvoke(input) || !this.policies.has(input.tool)) {
      return { decision: policyVersion === 0 ? byGrants : { ...byGrants, policyVersion }, byGrants, policies: undefined };
    }
    const outcome = this.evaluate(input);
    return { decision: combine(byGrants, outcome, policyVersion), byGrants, policies: outcome };
  }

  /**
   * What the candidate set (active plus shadow policies) would decide: the same combination as `decide`,
   * with the candidate set in place of the active one. Undefined when no shadow policy is attached.
   */
  decideAsCandidate(input: AuthorizationInput): DetailedDecision | undefined {
    if (!isInvoke(input) || !this.policies.has(input.tool, 'shadow')) return undefined;
    const byGrants = this.grants.decide(input);
    if (byGrants.effect === 'deny') return { decision: byGrants, byGrants, policies: undefined };
    const outcome = this.evaluate(input, 'candidate');
    return { decision: combine(byGrants, outcome, this.policies.policyVersion), byGrants, policies: outcome };
  }

  /** Every grant of the principal and its roles on the tool or its plugin, and whether it applies. */
  considerGrants(input: AuthorizationInput): ConsideredGrant[] {
    return this.grants.consider(input);
  }

  /** Grants only: who-can and what-can questions have no arguments for the policies to judge. */
  decideByGrants(input: AuthorizationInput): AuthorizationDecision {
    return this.grants.decide(input);
  }

  /** The policies of a set attached to the tool (directly or through its plugin). */
  attachedPolicies(tool: Tool, set: PolicySet = 'active'): Policy[] {
    const statements = this.policies.forTool(tool, set)?.ordered ?? [];
    return [...new Map(statements.map((s) => [s.policy.id, s.policy])).values()];
  }

  /** Never changes or fails the live decision: a failure is logged and recorded as a difference. */
  private compareShadow(input: AuthorizationInput, live: AuthorizationDecision, sink: ShadowDiffSink): void {
    let shadow: AuthorizationDecision | undefined;
    let error: string | null = null;
    let argsDigest: string | null = null;
    try {
      argsDigest = canonicalDigest(input.args ?? {});
      const candidate = this.decideAsCandidate(input);
      if (candidate === undefined) return;
      shadow = candidate.decision;
      error = candidate.policies?.error ?? null;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const liveWord = decisionWord(live);
    const shadowWord = shadow ? decisionWord(shadow) : 'deny';
    if (error === null && liveWord === shadowWord) return;
    const diff: ShadowDiff = {
      time: new Date(this.clock.now()).toISOString(),
      tool: input.tool.name,
      plugin: input.plugin.name,
      principalId: input.principal.id,
      principalName: input.principal.name,
      environment: input.environment,
      surface: input.surface ?? 'rest',
      live: liveWord,
      shadow: shadowWord,
      livePolicyIds: live.policyIds,
      shadowPolicyIds: shadow?.policyIds ?? [],
      argsDigest,
      error,
    };
    this.logger.warn({ ...diff }, 'shadow policies would decide this call differently');
    sink.record(diff).catch((err: unknown) => {
      this.logger.error({ tool: diff.tool, err: err instanceof Error ? err.message : String(err) }, 'could not record a shadow difference');
    });
  }

  /** The tool's active, shadow or candidate policies alone, for explanations and shadow comparisons. */
  evaluate(input: AuthorizationInput, set: PolicySet = 'active'): PolicyOutcome {
    let outcome: PolicyOutcome;
    try {
      const compiled = this.policies.forTool(input.tool, set);
      if (!compiled) {
        return {
          effect: 'allow',
          requiresApproval: false,
          policyIds: [],
          message: undefined,
          reason: 'no policies attached',
          error: undefined,
          statements: [],
        };
      }
      outcome = evaluatePolicies(compiled, input, {
        now: this.clock.now(),
        zonedNow: this.zonedNow,
        attributeTypes: this.policies.principalAttributeTypes,
      });
    } catch (err) {
      // Whatever went wrong inside the policy engine, the call is denied rather than let through.
      const why = err instanceof Error ? err.message : String(err);
      outcome = {
        effect: 'deny',
        requiresApproval: false,
        policyIds: [],
        message: 'the policies of this tool could not be evaluated',
        reason: `policy evaluation failed (fail closed): ${why}`,
        error: why,
        statements: [],
      };
    }
    if (outcome.error !== undefined) {
      this.logger.error({ tool: input.tool.name, policies: outcome.policyIds, err: outcome.error }, 'policy evaluation failed; denied');
    }
    return outcome;
  }
}

/** A decision with the layers that made it. */
export interface DetailedDecision {
  readonly decision: AuthorizationDecision;
  readonly byGrants: AuthorizationDecision;
  /** The policies' outcome; undefined when they did not run (grants denied, not an invoke, none attached). */
  readonly policies: PolicyOutcome | undefined;
}

function isInvoke(input: AuthorizationInput): boolean {
  return (input.action ?? 'invoke') === 'invoke';
}

/** Grants allowed; the policies' outcome decides, and either layer may ask for approval. */
function combine(byGrants: AuthorizationDecision, outcome: PolicyOutcome, policyVersion: number): AuthorizationDecision {
  const reason = `${byGrants.reason}; ${outcome.reason}; policy version ${policyVersion}`;
  if (outcome.effect === 'deny') {
    return {
      effect: 'deny',
      requiresApproval: false,
      grantIds: byGrants.grantIds,
      policyIds: outcome.policyIds,
      policyVersion,
      policyMessage: outcome.message ?? 'a policy denied this call',
      reason,
    };
  }
  return {
    effect: 'allow',
    requiresApproval: byGrants.requiresApproval || outcome.requiresApproval,
    grantIds: byGrants.grantIds,
    policyIds: outcome.policyIds,
    policyVersion,
    reason,
  };
}
