import { isRecord } from '../json-value.js';

const VERSION = /^3\.[01]\.\d+(-[0-9A-Za-z.-]+)?$/;
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Whether a parsed document is structurally an OpenAPI 3.0/3.1 document, the bar for "this spec is valid, so
 * (nearly) all its operations must import". Checked without a validator dependency, and only what the
 * importer relies on: `openapi` is 3.0.x or 3.1.x; `info` has a string `title` and `version`; `paths` is an
 * object whose keys start with `/`; every path item and operation in it is an object; and, in 3.0 where the
 * spec requires it, every operation has a `responses` object. Schema-level validity is not checked here:
 * that is what the corpus measures.
 */
export function validatesAsOpenApi(doc: unknown): boolean {
  if (!isRecord(doc) || typeof doc['openapi'] !== 'string' || !VERSION.test(doc['openapi'])) return false;
  const info = doc['info'];
  if (!isRecord(info) || typeof info['title'] !== 'string' || typeof info['version'] !== 'string') return false;
  const paths = doc['paths'];
  if (!isRecord(paths)) return false;
  const needsResponses = doc['openapi'].startsWith('3.0');
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/') || !isRecord(item)) return false;
    for (const method of OPERATIONS) {
      const operation = item[method];
      if (operation === undefined) continue;
      if (!isRecord(operation)) return false;
      if (needsResponses && !isRecord(operation['responses'])) return false;
    }
  }
  return true;
}
