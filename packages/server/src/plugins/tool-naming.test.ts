import { describe, expect, it } from 'vitest';
import { operationIdFromRoute, snakeCase, TOOL_NAME_PATTERN, toolNameFor, ToolNameRegistry } from './tool-naming.js';

describe('snakeCase', () => {
  it.each([
    ['listOrders', 'list_orders'],
    ['getHTTPStatus', 'get_http_status'],
    ['get-order.by id', 'get_order_by_id'],
    ['v2Orders', 'v2_orders'],
    ['__Already_snake__', 'already_snake'],
    ['créerCommande', 'creer_commande'],
    ['日本語', ''],
  ])('%s → %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe('operationIdFromRoute', () => {
  it('names path parameters with "by"', () => {
    expect(operationIdFromRoute('GET', '/orders/{id}')).toBe('get_orders_by_id');
    expect(operationIdFromRoute('POST', '/orders/{orderId}/refund')).toBe('post_orders_by_order_id_refund');
    expect(operationIdFromRoute('GET', '/')).toBe('get');
    expect(operationIdFromRoute('GET', '/files/{name}.{ext}')).toBe('get_files_by_name_by_ext');
  });
});

describe('toolNameFor', () => {
  it('prefixes the plugin name', () => {
    expect(toolNameFor('orders', 'listOrders')).toBe('orders__list_orders');
  });

  it('cuts long names to 64 characters with a hash of the full name, deterministically', () => {
    const long = `get${'VeryLongResourceName'.repeat(5)}`;
    const name = toolNameFor('orders', long);
    expect(name).toHaveLength(64);
    expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(name).toMatch(/_[0-9a-f]{6}$/);
    expect(toolNameFor('orders', long)).toBe(name);
    expect(toolNameFor('orders', `${long}X`)).not.toBe(name);
  });
});

describe('ToolNameRegistry', () => {
  it('keeps the first name and hashes later collisions by their discriminator', () => {
    const registry = new ToolNameRegistry('shop');
    const first = registry.claim('listOrders', 'GET /orders');
    const second = registry.claim('list_orders', 'GET /v2/orders');
    expect(first).toEqual({ name: 'shop__list_orders', collided: false });
    expect(second.collided).toBe(true);
    expect(second.name).toMatch(/^shop__list_orders_[0-9a-f]{6}$/);

    const again = new ToolNameRegistry('shop');
    again.claim('listOrders', 'GET /orders');
    expect(again.claim('list_orders', 'GET /v2/orders').name).toBe(second.name);
  });

  it('resolves a collision even when the same discriminator comes twice', () => {
    const registry = new ToolNameRegistry('shop');
    const names = [1, 2, 3].map(() => registry.claim('x', 'GET /x').name);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
  });

  it('refuses a plugin name that cannot prefix model-safe names', () => {
    expect(() => new ToolNameRegistry('my plugin')).toThrow(RangeError);
  });
});
