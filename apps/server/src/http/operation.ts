// Handler types derived from the generated SDK types (`<Op>Data`, `<Op>Responses`, `<Op>Errors`), so a
// handler can only read what the spec declares and only answer with a status/body pair the spec lists.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestAuth } from './auth.ts';

type Field<D, K extends string> = D extends { [P in K]?: infer V } ? V : undefined;

/** What a handler sees: validated (and coerced) request parts, typed from the spec. */
export interface OperationInput<D> {
  body: Field<D, 'body'>;
  query: Field<D, 'query'>;
  path: Field<D, 'path'>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Principals that satisfied the operation's security requirement (session and/or API key). */
  auth: RequestAuth;
  /** The Fastify request, for cookies, client IP and the logger. */
  raw: FastifyRequest;
  /** The Fastify reply, for handlers that hand the raw response to another library (MCP transport). */
  reply: FastifyReply;
}

/** One of the responses the spec lists for the operation. */
export type OperationResult<R> = {
  [S in keyof R & number]: { status: S; body: R[S]; headers?: Record<string, string | string[]> };
}[keyof R & number];

/** A response the spec describes as a redirect or an HTML page rather than JSON. */
export interface RawResult {
  status: number;
  headers?: Record<string, string | string[]>;
  /** Sent as is, with `contentType` (bytes: a body kept ready to send, mcp/listing-answers.ts). */
  body?: string | Buffer;
  contentType?: string;
  /** The response is already being written by other means (a static file, a stream). */
  sent?: true;
}

export type OperationHandler<D, R> = (input: OperationInput<D>) => Promise<OperationResult<R> | RawResult>;

// The registry is heterogeneous by design; each entry is typed where it is defined.
export type AnyOperationHandler = OperationHandler<any, any>;

/** Identity helper that fixes a handler's types at its definition site. */
export const operation = <D, R>(handler: OperationHandler<D, R>): OperationHandler<D, R> => handler;
