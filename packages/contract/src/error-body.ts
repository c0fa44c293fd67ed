/** Every error answer on every HTTP route has this shape. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly requestId: string;
    readonly retryable: boolean;
    readonly details?: Record<string, unknown>;
  };
}
