/**
 * Runs the official MCP conformance suite's server scenarios (`@modelcontextprotocol/conformance`) against
 * the gateway: a fixture MCP server serving the scenarios' tools is imported as the plugin `conformance`,
 * and the suite connects to `/mcp/conformance` with a key of its own. The result is compared with
 * packages/server/test/conformance/expected-failures.yaml; an unexpected failure or an unexpected pass
 * exits 1. The suite needs Node ≥ 22 and gets it from npm (`npx -p node@22`) when this Node is older.
 *
 *   npm run conformance                                   # every server scenario, through the gateway
 *   npm run conformance -- --scenario tools-call-image    # one (repeatable)
 *   npm run conformance -- --direct                       # against the fixture alone, for comparison
 */
import { conformanceCli } from '../packages/server/test/conformance/conformance-cli.js';

const interrupted = new AbortController();
// Every signal is handled (npm and tsx relay the one a terminal sends, so it arrives more than once): the run
// stops its suite process and still cleans up its gateway, fixture and temporary directories.
for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => interrupted.abort());

process.exitCode = await conformanceCli(
  process.argv.slice(2),
  (line) => console.log(line),
  (line) => console.error(line),
  interrupted.signal,
).catch((err: unknown) => {
  // Setting up the run failed (no Node 22 from npm, the gateway did not start, the fixture did not import).
  console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
