import { describe, expect, it } from 'vitest';
import type { Grant, GrantAction } from '../core/grant.js';
import type { Plugin } from '../core/plugin.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import { GrantIndex } from './grant-index.js';

const plugin = { name: 'orders' } as Plugin;
const tool = (name: string): Tool => ({ name, pluginName: 'orders' }) as Tool;
const alice: Principal = { id: 'p-alice', name: 'alice', kind: 'user', roles: ['support'], disabled: false, createdAt: '' };

let seq = 0;
function grant(g: Partial<Grant>): Grant {
  seq += 1;
  return {
    id: `g${seq}`,
    subjectType: 'role',
    subject: 'support',
    targetType: 'plugin',
    target: 'orders',
    environment: '*',
    effect: 'allow',
    actions: ['invoke'],
    requireApproval: false,
    expiresAt: null,
    createdAt: '',
    ...g,
  };
}

function decide(grants: Grant[], opts: { tool?: string; env?: string; now?: number; action?: GrantAction } = {}) {
  const index = new GrantIndex({ now: () => opts.now ?? Date.parse('2026-06-01T00:00:00Z') });
  index.load(grants);
  return index.decide({
    principal: alice,
    tool: tool(opts.tool ?? 'orders__get_order'),
    plugin,
    environment: opts.env ?? 'production',
    action: opts.action,
  });
}

describe('GrantIndex', () => {
  it('denies by default', () => {
    expect(decide([])).toMatchObject({ effect: 'deny', grantIds: [] });
    expect(decide([grant({ subject: 'billing' })]).effect).toBe('deny');
    expect(decide([grant({ subjectType: 'principal', subject: 'p-bob' })]).effect).toBe('deny');
  });

  it('allows by role or by principal, for a plugin or one tool', () => {
    expect(decide([grant({})])).toMatchObject({ effect: 'allow', requiresApproval: false });
    expect(decide([grant({ subjectType: 'principal', subject: 'p-alice' })]).effect).toBe('allow');
    const toolGrant = [grant({ targetType: 'tool', target: 'orders__get_order' })];
    expect(decide(toolGrant).effect).toBe('allow');
    expect(decide(toolGrant, { tool: 'orders__delete_order' }).effect).toBe('deny');
  });

  it('lets any applicable deny override every allow, and names it', () => {
    const d = grant({ subjectType: 'principal', subject: 'p-alice', effect: 'deny', targetType: 'tool', target: 'orders__get_order' });
    const result = decide([grant({}), d]);
    expect(result).toMatchObject({ effect: 'deny', grantIds: [d.id] });
    expect(result.reason).toContain(d.id);
  });

  it('matches the environment or *', () => {
    expect(decide([grant({ environment: 'staging' })]).effect).toBe('deny');
    expect(decide([grant({ environment: 'production' })]).effect).toBe('allow');
  });

  it('ignores expired grants', () => {
    const g = grant({ expiresAt: '2026-01-01T00:00:00Z' });
    expect(decide([g]).effect).toBe('deny');
    expect(decide([g], { now: Date.parse('2025-12-31T00:00:00Z') }).effect).toBe('allow');
  });

  it('requires approval only when every applicable allow demands it', () => {
    const supervised = grant({ requireApproval: true });
    expect(decide([supervised])).toMatchObject({ effect: 'allow', requiresApproval: true, grantIds: [supervised.id] });
    const direct = grant({ subjectType: 'principal', subject: 'p-alice', targetType: 'tool', target: 'orders__get_order' });
    expect(decide([supervised, direct])).toMatchObject({ requiresApproval: false, grantIds: [direct.id] });
  });

  describe('actions', () => {
    it('lets invoke imply list, and nothing else', () => {
      const g = [grant({ actions: ['invoke'] })];
      expect(decide(g, { action: 'list' }).effect).toBe('allow');
      expect(decide(g, { action: 'invoke' }).effect).toBe('allow');
      expect(decide(g, { action: 'approve' }).effect).toBe('deny');
      expect(decide(g, { action: 'administer' }).effect).toBe('deny');
    });

    it('lets a list-only grant see but not invoke', () => {
      const g = [grant({ actions: ['list'] })];
      expect(decide(g, { action: 'list' }).effect).toBe('allow');
      expect(decide(g).effect).toBe('deny');
    });

    it('does not let approve imply invoke', () => {
      const g = [grant({ actions: ['approve'] })];
      expect(decide(g, { action: 'approve' }).effect).toBe('allow');
      expect(decide(g, { action: 'invoke' }).effect).toBe('deny');
      expect(decide(g, { action: 'list' }).effect).toBe('deny');
    });

    it('lets a deny grant deny only the actions it names (invoke hides the tool too)', () => {
      const allowAll = grant({ actions: ['invoke', 'approve'] });
      const denyApprove = grant({ effect: 'deny', actions: ['approve'] });
      expect(decide([allowAll, denyApprove], { action: 'approve' }).effect).toBe('deny');
      expect(decide([allowAll, denyApprove]).effect).toBe('allow');
      const denyInvoke = grant({ effect: 'deny', actions: ['invoke'] });
      expect(decide([allowAll, denyInvoke], { action: 'list' }).effect).toBe('deny');
      expect(decide([allowAll, denyInvoke], { action: 'approve' }).effect).toBe('allow');
    });

    it('asks for approval only when invoking', () => {
      const g = [grant({ actions: ['invoke', 'approve'], requireApproval: true })];
      expect(decide(g).requiresApproval).toBe(true);
      expect(decide(g, { action: 'list' }).requiresApproval).toBe(false);
      expect(decide(g, { action: 'approve' }).requiresApproval).toBe(false);
    });
  });
});
