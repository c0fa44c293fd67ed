/** Options for {@link startOrdersApi}. */
export interface StartOrdersApiOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; default `0` (a free port, see {@link OrdersApi.port}). */
  port?: number;
}

/** A running example orders API. */
export interface OrdersApi {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys open (keep-alive) connections. */
  close(): Promise<void>;
}

/** Starts the in-memory orders API with fresh seed data (orders ord_1001..ord_1005). */
export function startOrdersApi(options?: StartOrdersApiOptions): Promise<OrdersApi>;
