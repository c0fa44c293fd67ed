import { ADMIN_ROLE } from '../core/principal.js';
import type { AdminContext } from './admin-context.js';

/**
 * First run: when no principal exists, create the `admin` user and one API key. The key is returned
 * once for printing and only its hash is stored.
 */
export async function bootstrapAdmin(ctx: AdminContext): Promise<{ name: string; key: string } | undefined> {
  if ((await ctx.principals.count()) > 0) return undefined;
  const now = new Date(ctx.clock.now());
  const admin = await ctx.principals.create({ name: 'admin', kind: 'user', roles: [ADMIN_ROLE] }, now);
  const created = await ctx.keys.create(admin, 'first-run admin key', null, now);
  return { name: admin.name, key: created.secretKey };
}
