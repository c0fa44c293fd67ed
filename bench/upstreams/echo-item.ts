/** The one answer every bench upstream gives: a small JSON object (~300 bytes) for an item id. */
export function echoItem(id: string): Record<string, unknown> {
  return {
    id,
    name: `Item ${id}`,
    description: 'A benchmark item: the same small answer for every call, so only the path to it is measured.',
    price: 12.5,
    currency: 'EUR',
    stock: 42,
    tags: ['bench', 'echo', 'read'],
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** JSON Schema of {@link echoItem}'s answer: the tools' output schema. */
export const ECHO_ITEM_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    price: { type: 'number' },
    currency: { type: 'string' },
    stock: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'name', 'price', 'currency'],
} as const;
