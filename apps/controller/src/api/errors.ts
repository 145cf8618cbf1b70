import { z } from 'zod';

export interface FieldError {
  /** Where in the request: `body.members.0.role`, `params.tenant`, `query.limit`. */
  path: string;
  message: string;
}

/**
 * An error the API answers with `{error: {code, message, fields?}}`. Handlers throw these; the
 * error handler turns anything else into a 500 without details (and logs it).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }

  static invalid(message: string, fields?: FieldError[]): ApiError {
    return new ApiError(400, 'invalid_request', message, fields);
  }
  static unauthenticated(
    message = 'a valid bearer token is required (Authorization: Bearer <token>)',
  ): ApiError {
    return new ApiError(401, 'unauthenticated', message);
  }
  static forbidden(message: string): ApiError {
    return new ApiError(403, 'forbidden', message);
  }
  /** Also what another tenant's resource looks like: its existence is not revealed. */
  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }
  static conflict(message: string): ApiError {
    return new ApiError(409, 'conflict', message);
  }
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(error: ApiError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
  };
}
