import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrdersApi, startOrdersApi } from '../../../../../examples/orders/server.mjs';
import { parseSpecDocument } from '../parse-spec-document.js';
import { importOpenApi } from './import-openapi.js';

// The example upstream, run for real on loopback; its answers are checked against its own spec.
const spec = parseSpecDocument(readFileSync(new URL('../../../../../examples/orders/openapi.yaml', import.meta.url), 'utf8'));
const tools = importOpenApi(spec, { pluginName: 'orders' }).tools;

function outputValidator(sourceName: string): (data: unknown) => boolean {
  const schema = tools.find((t) => t.sourceName === sourceName)?.outputSchema;
  if (!schema) throw new Error(`no output schema for ${sourceName}`);
  const ajv = new Ajv2020({ strict: false, logger: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (data) => validate(data);
}

interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

let api: OrdersApi;

async function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: res.headers };
}

const errorCode = (reply: Reply): unknown => (reply.body as { error?: { code?: unknown } }).error?.code;

beforeAll(async () => {
  api = await startOrdersApi();
});
afterAll(async () => {
  await api.close();
});

describe('examples/orders/server.mjs', () => {
  it('listens on a free loopback port', () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect(api.port).toBeGreaterThan(0);
  });

  it('lists seeded orders newest first, in pages that match the spec', async () => {
    const validate = outputValidator('listOrders');
    const first = await call('GET', '/orders?limit=2');
    expect(first.status).toBe(200);
    expect(validate(first.body)).toBe(true);
    const page1 = first.body as { data: { id: string }[]; nextCursor: string | null };
    expect(page1.data.map((o) => o.id)).toEqual(['ord_1005', 'ord_1004']);
    expect(page1.nextCursor).toEqual(expect.any(String));

    const ids = page1.data.map((o) => o.id);
    let cursor = page1.nextCursor;
    while (cursor !== null) {
      const page = (await call('GET', `/orders?limit=2&cursor=${encodeURIComponent(cursor)}`)).body as typeof page1;
      ids.push(...page.data.map((o) => o.id));
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(['ord_1005', 'ord_1004', 'ord_1003', 'ord_1002', 'ord_1001']);

    const paid = (await call('GET', '/orders?status=paid')).body as typeof page1;
    expect(paid.data.map((o) => o.id)).toEqual(['ord_1005', 'ord_1001']);
    expect(paid.nextCursor).toBeNull();
  });

  it('validates list parameters', async () => {
    expect(errorCode(await call('GET', '/orders?status=lost'))).toBe('invalid_status');
    expect(errorCode(await call('GET', '/orders?limit=0'))).toBe('invalid_limit');
    expect(errorCode(await call('GET', '/orders?limit=101'))).toBe('invalid_limit');
    expect(errorCode(await call('GET', '/orders?cursor=nonsense'))).toBe('invalid_cursor');
  });

  it('gets an order, and answers 404 / 400 for unknown and malformed ids', async () => {
    const found = await call('GET', '/orders/ord_1001');
    expect(found.status).toBe(200);
    expect(outputValidator('getOrder')(found.body)).toBe(true);
    expect(found.body).toMatchObject({ id: 'ord_1001', customerId: 'cus_ada', status: 'paid', total: 25 });

    const missing = await call('GET', '/orders/ord_9999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'order_not_found', message: 'There is no order ord_9999.' } });

    const malformed = await call('GET', '/orders/..%2Fadmin');
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('invalid_order_id');
  });

  it('creates orders with validation', async () => {
    const created = await call('POST', '/orders', {
      customerId: 'cus_lin',
      items: [{ sku: 'MUG-RED', quantity: 3, unitPrice: 9.99 }],
      currency: 'USD',
    });
    expect(created.status).toBe(201);
    expect(outputValidator('createOrder')(created.body)).toBe(true);
    expect(created.body).toMatchObject({ id: 'ord_1006', status: 'pending', total: 29.97 });
    expect(created.headers.get('location')).toBe('/orders/ord_1006');

    const base = { customerId: 'cus_lin', items: [{ sku: 'A', quantity: 1, unitPrice: 1 }], currency: 'EUR' };
    expect(errorCode(await call('POST', '/orders', { ...base, items: [] }))).toBe('invalid_items');
    expect(errorCode(await call('POST', '/orders', { ...base, currency: 'JPY' }))).toBe('invalid_currency');
    expect(errorCode(await call('POST', '/orders', { ...base, discount: 1 }))).toBe('unknown_field');
    expect(errorCode(await call('POST', '/orders', { ...base, customerId: 'cus_nobody' }))).toBe('unknown_customer');
    expect(errorCode(await call('POST', '/orders', { ...base, items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }))).toBe('invalid_items');
  });

  it('refunds paid orders only, never more than was paid', async () => {
    const pending = await call('POST', '/orders/ord_1002/refund', { amount: 1 });
    expect(pending.status).toBe(409);
    expect(errorCode(pending)).toBe('order_not_refundable');

    const tooMuch = await call('POST', '/orders/ord_1001/refund', { amount: 25.01 });
    expect(tooMuch.status).toBe(409);
    expect(errorCode(tooMuch)).toBe('refund_exceeds_paid_amount');

    expect(errorCode(await call('POST', '/orders/ord_1001/refund', { amount: 0 }))).toBe('invalid_amount');
    expect(errorCode(await call('POST', '/orders/ord_1001/refund', { amount: 1, reason: 'x'.repeat(501) }))).toBe('invalid_reason');
    expect((await call('POST', '/orders/ord_9999/refund', { amount: 1 })).status).toBe(404);

    const partial = await call('POST', '/orders/ord_1001/refund', { amount: 10, reason: 'One book arrived damaged' });
    expect(partial.status).toBe(200);
    expect(outputValidator('refundOrder')(partial.body)).toBe(true);
    expect(partial.body).toMatchObject({ status: 'paid', refundedAmount: 10 });

    const rest = await call('POST', '/orders/ord_1001/refund', { amount: 15 });
    expect(rest.body).toMatchObject({ status: 'refunded', refundedAmount: 25 });
    expect(errorCode(await call('POST', '/orders/ord_1001/refund', { amount: 0.01 }))).toBe('order_not_refundable');
  });

  it('deletes only pending or cancelled orders', async () => {
    expect(errorCode(await call('DELETE', '/orders/ord_1005'))).toBe('order_not_deletable');
    const deleted = await call('DELETE', '/orders/ord_1004');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await call('GET', '/orders/ord_1004')).status).toBe(404);
  });

  it('gets customers', async () => {
    const ada = await call('GET', '/customers/cus_ada');
    expect(ada.status).toBe(200);
    expect(outputValidator('getCustomer')(ada.body)).toBe(true);
    expect(ada.body).toMatchObject({ id: 'cus_ada', name: 'Ada Lovelace' });
    expect(errorCode(await call('GET', '/customers/cus_nobody'))).toBe('customer_not_found');
  });

  it('answers unknown routes and methods with JSON errors, and serves its spec', async () => {
    expect(errorCode(await call('GET', '/nope'))).toBe('not_found');
    const wrongMethod = await call('PUT', '/orders');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    const specText = await (await fetch(`${api.url}/openapi.yaml`)).text();
    expect(specText).toContain('title: Orders API');
  });

  it('closes promptly even with keep-alive connections open, and starts fresh each time', async () => {
    const other = await startOrdersApi();
    await fetch(`${other.url}/orders/ord_1004`, { method: 'DELETE' });
    await other.close();
    await expect(fetch(`${other.url}/orders`)).rejects.toThrow();
    const fresh = await startOrdersApi();
    try {
      expect((await fetch(`${fresh.url}/orders/ord_1004`)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
