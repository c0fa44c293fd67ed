import { ECHO_ITEM_SCHEMA } from '../upstreams/echo-item.js';

/**
 * An OpenAPI 3.0 document with `operations` read operations, `GET /t{n}/items/{id}` (operationId
 * `get_item_{n}`), every one served by the echo API's one handler. Operation 0 is the bench tool.
 */
export function echoSpec(operations: number): string {
  const paths: Record<string, unknown> = {};
  for (let n = 0; n < operations; n++) {
    paths[`/t${n}/items/{id}`] = {
      get: {
        operationId: `get_item_${n}`,
        summary: `Get item ${n}`,
        description: `Return one item of collection ${n} by its id.`,
        parameters: [{ name: 'id', in: 'path', required: true, description: 'The item id.', schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The item.', content: { 'application/json': { schema: ECHO_ITEM_SCHEMA } } },
        },
      },
    };
  }
  return JSON.stringify({ openapi: '3.0.3', info: { title: 'Bench echo API', version: '1.0.0' }, paths });
}
