import type { FastifyRequest } from 'fastify';

/** The bearer credential of a request, or null. Only `Authorization: Bearer` is accepted: one way to do it. */
export function requestCredential(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
