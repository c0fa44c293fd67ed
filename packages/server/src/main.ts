import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino, type Logger as PinoLogger } from 'pino';
import type { AdminContext } from './admin/admin-context.js';
import { refreshGrants } from './admin/admin-context.js';
import { bootstrapAdmin } from './admin/bootstrap-admin.js';
import { startMcpPlugins } from './admin/mcp-plugins.js';
import { PluginLocks } from './admin/plugin-locks.js';
import { registerPlugin } from './admin/register-plugin.js';
import { syncPlugin } from './admin/sync-plugin.js';
import { modelRouterFromConfig } from './agent/model-router.js';
import type { ApprovalDeps } from './approvals/approval-deps.js';
import { approvalWorkflow, startApprovalSweep } from './approvals/approval-workflow.js';
import { GroupCommitAuditWriter } from './audit/group-commit-audit-writer.js';
import { JwtAccessTokenVerifier } from './auth/jwt-access-token-verifier.js';
import { ProtectedResource } from './auth/protected-resource.js';
import type { ToolgateConfig } from './config/config-schema.js';
import { ExecutorByBinding } from './connectors/executor-by-binding.js';
import { CachingExecutor, type CacheStats } from './connectors/cache/caching-executor.js';
import { FallbackExecutor } from './connectors/resilience/fallback-executor.js';
import { ResilientExecutor } from './connectors/resilience/resilient-executor.js';
import { fetchJson } from './connectors/fetch-json.js';
import { HttpConnector } from './connectors/http-connector.js';
import { McpConnector } from './connectors/mcp/mcp-connector.js';
import { McpUpstreams } from './connectors/mcp/mcp-upstreams.js';
import { closeAgents, safeFetch } from './connectors/safe-fetch.js';
import { GatewayError } from './core/gateway-error.js';
import { ADMIN_ROLE } from './core/principal.js';
import { buildHttpApp } from './http/build-app.js';
import { OutputGuard } from './guard/output-guard.js';
import { createCallRateLimiter } from './limits/create-call-rate-limiter.js';
import { mcpRoutes } from './mcp/mcp-routes.js';
import { circuitStats } from './monitor/circuit-stats.js';
import { GatewayMetrics } from './monitor/gateway-metrics.js';
import { responseCacheStats } from './monitor/response-cache-stats.js';
import type { PipelineDeps } from './pipeline/pipeline-deps.js';
import { GrantIndex } from './policy/grant-index.js';
import { PolicyAdmin } from './policy/policy-admin.js';
import { PolicyAuthorizer } from './policy/policy-authorizer.js';
import { AuditShadowDiffs } from './store/audit-shadow-diffs.js';
import { PolicyIndex } from './policy/policy-index.js';
import { ZonedNow } from './policy/zoned-now.js';
import { SqlPolicyStore } from './store/sql-policy-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import { InProcessVisibilityChanges } from './ports/visibility-changes.js';
import { ApiKeyStore } from './store/api-key-store.js';
import { CachedCredentialStore } from './store/cached-credential-store.js';
import { ApprovalStore } from './store/approval-store.js';
import { AuditStore } from './store/audit-store.js';
import { CachedToolCatalog } from './store/cached-tool-catalog.js';
import { GrantStore } from './store/grant-store.js';
import { McpSessionTable } from './store/mcp-session-table.js';
import { MetaStore } from './store/meta-store.js';
import { openSqliteDatabase } from './store/open-database.js';
import { PluginStore } from './store/plugin-store.js';
import { PrincipalStore } from './store/principal-store.js';
import { sql } from 'kysely';

export const VERSION = '0.1.0';

/** The repository root, for the examples and the console placeholder (works from src/ and dist/). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface StartOptions {
  readonly clock?: Clock;
  /** Replaces the pino logger (tests pass a silent one). */
  readonly logger?: PinoLogger;
}

export interface RunningGateway {
  readonly url: string;
  readonly pipeline: PipelineDeps;
  readonly admin: AdminContext;
  /** The approval workflow's use-case deps (tests run the expiry sweep through it). */
  readonly approvals: ApprovalDeps;
  /** The first-run admin key, present only on the run that created it. */
  readonly firstRunAdminKey: string | undefined;
  /** Base URL of the example orders API when `examples.orders` is on. */
  readonly exampleOrdersUrl: string | undefined;
  /** The response cache's counters (entries, bytes, hits, misses, stale, coalesced). */
  readonly cacheStats: () => CacheStats;
  close(): Promise<void>;
}

/** The composition root: the only place that wires adapters to ports. */
export async function startGateway(config: ToolgateConfig, opts: StartOptions = {}): Promise<RunningGateway> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const store = await openSqliteDatabase(join(config.dataDir, 'toolgate.db'));
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  try {
    const plugins = new PluginStore(store.db);
    const visibilityChanges = new InProcessVisibilityChanges();
    const catalog = new CachedToolCatalog(plugins, visibilityChanges);
    const grantIndex = new GrantIndex(clock);
    // Grants first (Map lookups), then only the called tool's conditional Cedar policies.
    const policyIndex = new PolicyIndex(config.policy.principalAttributes, logger);
    const policies = new PolicyAdmin(new SqlPolicyStore(store.db), catalog, policyIndex);
    const auditLog = new AuditStore(store.db);
    // Metrics: call counters fed by the pipeline, scrape-time sources (breakers), and the audit commit time.
    const metrics = config.metrics.enabled ? new GatewayMetrics(logger) : undefined;
    if (config.metrics.enabled && config.metrics.public) {
      logger.warn({}, 'metrics.public is on: GET /metrics is served without authentication (tool names, call activity)');
    }
    const auditWriter = new GroupCommitAuditWriter(metrics ? metrics.timeAuditBatches(auditLog) : auditLog);
    cleanups.unshift(() => auditWriter.drain());
    // Shadow policies are compared with the live ones on every call; differences go to the audit log.
    const shadowDiffs = new AuditShadowDiffs(auditWriter);
    const authorizer = new PolicyAuthorizer(grantIndex, policyIndex, new ZonedNow(config.policy.timezone), clock, logger, shadowDiffs);
    const keys = new ApiKeyStore(store.db);
    const mcp = new McpUpstreams();
    // Registered now, run late: MCP children are reaped after the HTTP server stops taking calls.
    cleanups.unshift(() => mcp.closeAll());
    const admin: AdminContext = {
      mcp,
      allowStdioMcp: config.mcp.allowStdio,
      visibilityChanges,
      locks: new PluginLocks(),
      environment: config.environment,
      onBackgroundError: (err, context) => {
        const why = err instanceof GatewayError ? `${err.code}: ${err.reason ?? err.message}` : String(err);
        logger.error({ ...context, err: why }, 'background task failed');
      },
      principals: new PrincipalStore(store.db),
      keys,
      plugins,
      grants: new GrantStore(store.db),
      auditLog,
      meta: new MetaStore(store.db),
      catalog,
      grantIndex,
      policies,
      authorizer,
      audit: auditWriter,
      clock,
      defaultTimeoutMs: config.limits.upstreamTimeoutMs,
      fetchText: async (url, allowPrivateNetwork) => {
        const res = await safeFetch(url, {
          timeoutMs: 20_000,
          maxBytes: 20_000_000,
          allowPrivateNetwork,
          redirects: 'follow-checked',
        }).catch((err: unknown) => {
          const why = err instanceof GatewayError ? (err.reason ?? err.message) : String(err);
          throw new GatewayError('SPEC_FETCH_FAILED', {
            message: `Could not fetch ${url}: ${why}. Check the URL, and that the gateway may reach it.`,
            reason: why,
          });
        });
        if (res.status >= 400)
          throw new GatewayError('SPEC_FETCH_FAILED', { message: `Fetching ${url} answered HTTP ${res.status}. Check the URL.` });
        return res.body.toString('utf8');
      },
    };
    await catalog.reload();
    await refreshGrants(admin);
    await policies.refresh();

    // auth.oauth: bearer credentials that are not API keys are verified as the issuer's JWT access tokens.
    const oauth = config.auth.oauth;
    const protectedResource = oauth ? new ProtectedResource(oauth, config.server.publicUrl) : undefined;
    const accessTokens =
      oauth && protectedResource
        ? new JwtAccessTokenVerifier({
            resource: protectedResource,
            principalClaim: oauth.principalClaim,
            jwksUrl: oauth.jwksUrl,
            fetchJson: (url) => fetchJson(url, { allowPrivateNetwork: oauth.allowPrivateNetwork }),
          })
        : undefined;
    if (oauth && config.server.publicUrl === undefined && oauth.audience === undefined) {
      logger.warn('auth.oauth without server.publicUrl: the token audience is the listening address; set server.publicUrl');
    }

    // Approval requests; webhooks go through the SSRF-safe fetcher, links use the address known once listening.
    let listeningUrl = config.server.publicUrl ?? '';
    const approvals = approvalWorkflow({
      store: new ApprovalStore(store.db),
      settings: config.approval,
      clock,
      logger,
      baseUrl: () => listeningUrl,
      post: async (url, body, allowPrivateNetwork) =>
        (
          await safeFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            timeoutMs: 5_000,
            maxBytes: 65_536,
            allowPrivateNetwork,
            redirects: 'refuse-cross-origin',
          })
        ).status,
    });
    cleanups.unshift(() => approvals.webhooks.drain());

    // Provider keys are read from their environment variables once, here; they live only inside the router.
    const models = modelRouterFromConfig(config.models.providers, process.env);
    const { rate, quota } = config.limits;
    const limits = createCallRateLimiter(
      { ...rate, perPrincipal: rate.perPrincipal ?? config.limits.callsPerMinutePerPrincipal, ...quota },
      config.limits,
      clock,
      (err) => logger.warn({ err: err.message }, 'rate-limit store unreachable; calls are refused until it is back'),
    );
    cleanups.unshift(() => limits.close());
    // Every call goes through its plugin's bulkhead, retry and breaker; the admin API reads the breakers.
    const resilient = new ResilientExecutor(
      new ExecutorByBinding({ http: new HttpConnector(), mcp: new McpConnector(mcp) }),
      config.resilience,
      clock,
      logger,
    );
    // Read results are served from cache when configured; a failing plugin may answer with a stale one or a message.
    const responseCache = new CachingExecutor(resilient, config.cache, clock);
    visibilityChanges.subscribe(() => responseCache.forgetChangedTools((name, hash) => catalog.get(name)?.tool.definitionHash === hash));
    metrics?.registerStats(circuitStats(catalog, resilient));
    metrics?.registerStats(responseCacheStats(() => responseCache.stats()));
    // Keys and token principals are kept a few seconds; changes through this node clear them at once.
    const credentials = new CachedCredentialStore(keys, clock, config.auth.credentialCacheSeconds * 1000, visibilityChanges);
    const pipeline: PipelineDeps = {
      credentials,
      ...(accessTokens ? { accessTokens } : {}),
      catalog,
      authorizer,
      rateLimiter: limits.limiter,
      executor: new FallbackExecutor(responseCache, config.resilience, responseCache),
      audit: auditWriter,
      clock,
      logger,
      approvals: approvals.recorder,
      ...(metrics ? { observer: metrics.calls } : {}),
      outputFilter: new OutputGuard(config.guard),
      settings: {
        environment: config.environment,
        approvalTiers: config.approval.requiredTiers,
        maxOutputChars: config.limits.maxOutputChars,
        maxResponseBytes: config.limits.maxResponseBytes,
      },
    };

    const approvalDeps = approvals.bind(pipeline);
    const stopSweep = startApprovalSweep(approvalDeps, 30_000);
    cleanups.unshift(async () => stopSweep());
    const firstRun = await bootstrapAdmin(admin);
    await startMcpPlugins(admin);
    const exampleOrdersUrl = config.examples.orders ? await startExampleOrders(admin, cleanups) : undefined;
    for (const declared of config.plugins) {
      if (await plugins.findByName(declared.name)) {
        // Declared plugins are re-read at every start from the config's source and pinned: a changed spec
        // waits for review. A source that cannot be read now must not keep the gateway from starting.
        try {
          const synced = await syncPlugin(admin, declared.name, { actor: 'config', allowLocalFile: true, source: declared.source });
          const waiting = synced.tools.filter((t) => t.status === 'pending_review').map((t) => t.name);
          if (waiting.length > 0) logger.warn({ plugin: declared.name, waiting }, 'declared plugin changed: tools wait for review');
        } catch (err) {
          admin.onBackgroundError(err, { plugin: declared.name, task: 'sync of a plugin declared in the config' });
        }
        continue;
      }
      await registerPlugin(admin, {
        name: declared.name,
        source: declared.source,
        allowLocalFile: true,
        actor: 'config',
        allowPrivateNetwork: declared.allowPrivateNetwork,
        ...(declared.baseUrl !== undefined ? { baseUrl: declared.baseUrl } : {}),
        ...(declared.timeoutMs !== undefined ? { timeoutMs: declared.timeoutMs } : {}),
      });
      logger.info({ plugin: declared.name }, 'imported plugin declared in config');
    }

    const app = buildHttpApp(
      {
        pipeline,
        admin,
        chat: { pipeline, models, maxSteps: config.models.maxSteps },
        approvals: approvalDeps,
        bodyLimitBytes: config.server.bodyLimitBytes,
        version: VERSION,
        consoleIndexPath: join(REPO_ROOT, 'packages/console/index.html'),
        circuits: resilient,
        ...(metrics ? { metrics: { endpoint: metrics, public: config.metrics.public } } : {}),
        ...(protectedResource ? { protectedResource } : {}),
      },
      logger,
      {
        ping: async () => {
          await sql`select 1`.execute(store.db);
        },
      },
      [
        mcpRoutes({
          pipeline,
          sessions: new McpSessionTable(store.db),
          approvals: approvalDeps,
          visibilityChanges,
          settings: {
            allowedOrigins: config.mcp.allowedOrigins,
            sessionTtlSeconds: config.mcp.sessionTtlSeconds,
            keepAliveSeconds: config.mcp.keepAliveSeconds,
            pageSize: config.mcp.pageSize,
            serverVersion: VERSION,
          },
        }),
      ],
    );
    await app.listen({ host: config.server.host, port: config.server.port }).catch(async (err: unknown) => {
      await app.close();
      throw listenError(err, config);
    });
    cleanups.unshift(() => app.close());
    cleanups.push(() => closeAgents());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    protectedResource?.listening(`http://${host}:${port}`);
    listeningUrl = config.server.publicUrl ?? `http://${host}:${port}`;
    return {
      url: config.server.publicUrl ?? `http://${host}:${port}`,
      pipeline,
      admin,
      approvals: approvalDeps,
      firstRunAdminKey: firstRun?.key,
      exampleOrdersUrl,
      cacheStats: () => responseCache.stats(),
      close: () => runCleanups(cleanups),
    };
  } catch (err) {
    await runCleanups(cleanups);
    throw err;
  }
}

/** The commonest first-run failure, a taken port, gets a message that says how to pick another. */
function listenError(err: unknown, config: ToolgateConfig): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const where = `${config.server.host}:${config.server.port}`;
  if (code === 'EADDRINUSE') {
    return new GatewayError('CONFIG_INVALID', {
      message: `Invalid configuration: field "server.port": ${where} is already in use. Fix: stop the other process, or set server.port (or TOOLGATE_SERVER__PORT) to a free port.`,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    return new GatewayError('CONFIG_INVALID', {
      message: `Invalid configuration: field "server.host"/"server.port": cannot listen on ${where} (${String(code)}). Fix: use an address of this machine and a port you may bind.`,
    });
  }
  return err;
}

async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

interface OrdersApi {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the example orders API next to the gateway. On the first run it becomes plugin "orders"
 * (allowlisted for loopback) with a grant for the admin role; later runs only point it at the new port.
 */
async function startExampleOrders(admin: AdminContext, cleanups: (() => Promise<void>)[]): Promise<string> {
  const serverFile = join(REPO_ROOT, 'examples/orders/server.mjs');
  const specFile = join(REPO_ROOT, 'examples/orders/openapi.yaml');
  if (!existsSync(serverFile))
    throw new GatewayError('CONFIG_INVALID', { message: `examples.orders is on but ${serverFile} is missing. Turn examples.orders off.` });
  const mod = (await import(pathToFileURL(serverFile).href)) as { startOrdersApi(opts?: { port?: number }): Promise<OrdersApi> };
  const api = await mod.startOrdersApi({ port: 0 });
  cleanups.push(() => api.close());
  const now = new Date(admin.clock.now());
  if ((await admin.meta.get('examples.orders.seeded')) === undefined) {
    if (!(await admin.plugins.findByName('orders'))) {
      await registerPlugin(admin, {
        name: 'orders',
        source: specFile,
        baseUrl: api.url,
        allowPrivateNetwork: true,
        allowLocalFile: true,
        actor: 'examples',
      });
      await admin.grants.create(
        {
          subjectType: 'role',
          subject: ADMIN_ROLE,
          targetType: 'plugin',
          target: 'orders',
          environment: '*',
          effect: 'allow',
          requireApproval: false,
          expiresAt: null,
        },
        now,
      );
      await refreshGrants(admin);
    }
    await admin.meta.set('examples.orders.seeded', now.toISOString());
  } else if (await admin.plugins.findByName('orders')) {
    await admin.plugins.setBaseUrl('orders', api.url, now);
    await admin.catalog.reload();
  }
  return api.url;
}
