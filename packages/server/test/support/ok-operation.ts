/** A minimal OpenAPI operation that answers 200, for the specs of test upstreams. */
export function okOperation(operationId: string, method: 'get' | 'post' = 'get'): Record<string, unknown> {
  return { [method]: { operationId, responses: { '200': { description: 'ok' } } } };
}
