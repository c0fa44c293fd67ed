// The example upstream: a small in-memory orders API that `npm start` and the tests run behind Toolgate.
// Plain JavaScript and node:http only, so it runs with no build step: `node examples/orders/server.mjs`.
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SPEC_PATH = fileURLToPath(new URL('./openapi.yaml', import.meta.url));
const MAX_BODY_BYTES = 1024 * 1024;
const STATUSES = ['pending', 'paid', 'refunded', 'cancelled'];
const CURRENCIES = ['EUR', 'USD', 'GBP'];
const ORDER_ID = /^ord_[0-9a-z]+$/;
const CUSTOMER_ID = /^cus_[0-9a-z]+$/;

class ApiError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const cents = (amount) => Math.round(amount * 100);
const money = (centsValue) => centsValue / 100;

/** Fresh seed data for every server, so tests never see each other's changes. */
function seed() {
  const customers = [
    { id: 'cus_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    { id: 'cus_lin', name: 'Lin Wei', email: 'lin@example.com' },
    { id: 'cus_grace', name: 'Grace Hopper', email: 'grace@example.com' },
  ];
  const order = (id, customerId, status, currency, items, createdAt, refunds = []) => {
    const total = money(items.reduce((sum, item) => sum + item.quantity * cents(item.unitPrice), 0));
    const refundedAmount = money(refunds.reduce((sum, refund) => sum + cents(refund.amount), 0));
    return { id, customerId, status, currency, items, total, refundedAmount, refunds, createdAt };
  };
  const orders = [
    order('ord_1001', 'cus_ada', 'paid', 'EUR', [{ sku: 'BOOK-001', quantity: 2, unitPrice: 12.5 }], '2025-03-01T09:15:00.000Z'),
    order(
      'ord_1002',
      'cus_lin',
      'pending',
      'USD',
      [
        { sku: 'MUG-RED', quantity: 1, unitPrice: 9.99 },
        { sku: 'TEA-GREEN', quantity: 3, unitPrice: 4.5 },
      ],
      '2025-03-02T14:40:00.000Z',
    ),
    order('ord_1003', 'cus_ada', 'refunded', 'EUR', [{ sku: 'LAMP-01', quantity: 1, unitPrice: 49 }], '2025-03-03T11:05:00.000Z', [
      { amount: 49, reason: 'Arrived broken', createdAt: '2025-03-05T10:00:00.000Z' },
    ]),
    order('ord_1004', 'cus_lin', 'cancelled', 'GBP', [{ sku: 'PEN-BLUE', quantity: 10, unitPrice: 1.2 }], '2025-03-04T16:20:00.000Z'),
    order(
      'ord_1005',
      'cus_ada',
      'paid',
      'EUR',
      [
        { sku: 'DESK-OAK', quantity: 1, unitPrice: 320 },
        { sku: 'CHAIR-01', quantity: 2, unitPrice: 85.5 },
      ],
      '2025-03-06T08:30:00.000Z',
      [{ amount: 20, reason: 'Late delivery', createdAt: '2025-03-08T12:00:00.000Z' }],
    ),
  ];
  return { customers: new Map(customers.map((c) => [c.id, c])), orders: new Map(orders.map((o) => [o.id, o])), nextId: 1006 };
}

/** Newest first; ties broken by id so pages never overlap. */
function byNewest(a, b) {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const encodeCursor = (order) => Buffer.from(JSON.stringify([order.createdAt, order.id])).toString('base64url');

function decodeCursor(cursor) {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new ApiError(400, 'invalid_cursor', 'cursor is not a cursor this API returned; omit it to start again.');
}

function listOrders(state, query) {
  const status = query.get('status');
  if (status !== null && !STATUSES.includes(status)) {
    throw new ApiError(400, 'invalid_status', `status must be one of ${STATUSES.join(', ')}.`);
  }
  const limitText = query.get('limit') ?? '20';
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ApiError(400, 'invalid_limit', 'limit must be an integer from 1 to 100.');
  }
  const cursorText = query.get('cursor');
  const after = cursorText === null || cursorText === '' ? undefined : decodeCursor(cursorText);
  const matching = [...state.orders.values()]
    .filter((o) => status === null || o.status === status)
    .filter((o) => after === undefined || byNewest(o, after) > 0)
    .sort(byNewest);
  const data = matching.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
}

function findOrder(state, orderId) {
  if (!ORDER_ID.test(orderId)) throw new ApiError(400, 'invalid_order_id', 'orderId must look like ord_1001.');
  const order = state.orders.get(orderId);
  if (!order) throw new ApiError(404, 'order_not_found', `There is no order ${orderId}.`);
  return order;
}

function requireObject(body, allowed) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'The body must be a JSON object.');
  }
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new ApiError(400, 'unknown_field', `Unknown field "${unknown}".`);
}

function validateItem(item, i) {
  const at = `items[${i}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new ApiError(400, 'invalid_items', `${at} must be an object.`);
  }
  const unknown = Object.keys(item).find((key) => !['sku', 'quantity', 'unitPrice'].includes(key));
  if (unknown !== undefined) throw new ApiError(400, 'unknown_field', `Unknown field "${at}.${unknown}".`);
  if (typeof item.sku !== 'string' || item.sku.length < 1 || item.sku.length > 64) {
    throw new ApiError(400, 'invalid_items', `${at}.sku must be a string of 1 to 64 characters.`);
  }
  if (!Number.isInteger(item.quantity) || item.quantity < 1) {
    throw new ApiError(400, 'invalid_items', `${at}.quantity must be an integer of at least 1.`);
  }
  if (typeof item.unitPrice !== 'number' || !Number.isFinite(item.unitPrice) || item.unitPrice < 0) {
    throw new ApiError(400, 'invalid_items', `${at}.unitPrice must be a number of at least 0.`);
  }
  return { sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice };
}

function createOrder(state, body) {
  requireObject(body, ['customerId', 'items', 'currency']);
  if (typeof body.customerId !== 'string' || !CUSTOMER_ID.test(body.customerId)) {
    throw new ApiError(400, 'invalid_customer_id', 'customerId must look like cus_ada.');
  }
  if (!state.customers.has(body.customerId)) {
    throw new ApiError(400, 'unknown_customer', `There is no customer ${body.customerId}.`);
  }
  if (!Array.isArray(body.items) || body.items.length === 0) {
    throw new ApiError(400, 'invalid_items', 'items must be a list of at least one item.');
  }
  if (!CURRENCIES.includes(body.currency)) {
    throw new ApiError(400, 'invalid_currency', `currency must be one of ${CURRENCIES.join(', ')}.`);
  }
  const items = body.items.map(validateItem);
  const total = money(items.reduce((sum, item) => sum + item.quantity * cents(item.unitPrice), 0));
  const order = {
    id: `ord_${state.nextId++}`,
    customerId: body.customerId,
    status: 'pending',
    currency: body.currency,
    items,
    total,
    refundedAmount: 0,
    refunds: [],
    createdAt: new Date().toISOString(),
  };
  state.orders.set(order.id, order);
  return order;
}

function refundOrder(state, orderId, body) {
  const order = findOrder(state, orderId);
  requireObject(body, ['amount', 'reason']);
  if (typeof body.amount !== 'number' || !Number.isFinite(body.amount) || body.amount <= 0) {
    throw new ApiError(400, 'invalid_amount', 'amount must be a number greater than 0.');
  }
  if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 500)) {
    throw new ApiError(400, 'invalid_reason', 'reason must be a string of at most 500 characters.');
  }
  if (order.status !== 'paid') {
    throw new ApiError(409, 'order_not_refundable', `Only paid orders can be refunded; ${orderId} is ${order.status}.`);
  }
  const left = cents(order.total) - cents(order.refundedAmount);
  if (cents(body.amount) > left) {
    throw new ApiError(
      409,
      'refund_exceeds_paid_amount',
      `At most ${money(left).toFixed(2)} ${order.currency} of ${orderId} is left to refund.`,
    );
  }
  const refund = { amount: money(cents(body.amount)), createdAt: new Date().toISOString() };
  if (body.reason !== undefined) refund.reason = body.reason;
  order.refunds.push(refund);
  order.refundedAmount = money(cents(order.refundedAmount) + cents(refund.amount));
  if (cents(order.refundedAmount) === cents(order.total)) order.status = 'refunded';
  return order;
}

function deleteOrder(state, orderId) {
  const order = findOrder(state, orderId);
  if (order.status !== 'pending' && order.status !== 'cancelled') {
    throw new ApiError(
      409,
      'order_not_deletable',
      `${orderId} is ${order.status}; paid and refunded orders are kept for accounting (refund them instead).`,
    );
  }
  state.orders.delete(orderId);
}

function getCustomer(state, customerId) {
  if (!CUSTOMER_ID.test(customerId)) throw new ApiError(400, 'invalid_customer_id', 'customerId must look like cus_ada.');
  const customer = state.customers.get(customerId);
  if (!customer) throw new ApiError(404, 'customer_not_found', `There is no customer ${customerId}.`);
  const orderCount = [...state.orders.values()].filter((o) => o.customerId === customerId).length;
  return { ...customer, orderCount };
}

async function readJson(req) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'body_too_large', 'The body is larger than 1 MB.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

function methodNotAllowed(allowed) {
  return new ApiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here.`, { allow: allowed.join(', ') });
}

/** Returns [status, body, headers?]; throws ApiError for anything a caller did wrong. */
async function route(state, req, url) {
  let segments;
  try {
    segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new ApiError(400, 'invalid_url', 'The request path is not valid percent-encoding.');
  }
  const method = req.method ?? 'GET';
  const [first, id, action, ...rest] = segments;
  if (rest.length === 0 && first === 'openapi.yaml' && id === undefined) {
    return [200, await readFile(SPEC_PATH, 'utf8'), { 'content-type': 'application/yaml; charset=utf-8' }];
  }
  if (first === 'orders' && rest.length === 0) {
    if (id === undefined) {
      if (method === 'GET') return [200, listOrders(state, url.searchParams)];
      if (method === 'POST') {
        const order = createOrder(state, await readJson(req));
        return [201, order, { location: `/orders/${order.id}` }];
      }
      throw methodNotAllowed(['GET', 'POST']);
    }
    if (action === undefined) {
      if (method === 'GET') return [200, findOrder(state, id)];
      if (method === 'DELETE') {
        deleteOrder(state, id);
        return [204, undefined];
      }
      throw methodNotAllowed(['GET', 'DELETE']);
    }
    if (action === 'refund') {
      if (method === 'POST') return [200, refundOrder(state, id, await readJson(req))];
      throw methodNotAllowed(['POST']);
    }
  }
  if (first === 'customers' && id !== undefined && action === undefined && rest.length === 0) {
    if (method === 'GET') return [200, getCustomer(state, id)];
    throw methodNotAllowed(['GET']);
  }
  throw new ApiError(404, 'not_found', `No route for ${method} ${url.pathname}.`);
}

function send(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(text);
}

/**
 * Starts the orders API. `port: 0` (the default) picks a free port; the URL has the real one.
 * @param {{ host?: string, port?: number }} [options]
 */
export async function startOrdersApi({ host = '127.0.0.1', port = 0 } = {}) {
  const state = seed();
  const server = createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(res, 400, { error: { code: 'invalid_url', message: 'The request URL is malformed.' } });
      return;
    }
    route(state, req, url).then(
      ([status, body, headers]) => send(res, status, body, headers),
      (err) => {
        if (err instanceof ApiError) {
          send(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
        } else {
          send(res, 500, { error: { code: 'internal', message: 'The orders API hit an internal error.' } });
        }
      },
    );
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      });
    },
  };
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const api = await startOrdersApi({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4010) });
  console.log(`Orders API listening on ${api.url} (spec: ${api.url}/openapi.yaml)`);
  const stop = () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
