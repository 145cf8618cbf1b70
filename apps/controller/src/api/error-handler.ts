import { InvalidSecretError } from '@slipway/secrets';
import { ConflictError } from '@slipway/state';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errorBody } from './errors.js';

const contexts: Record<string, string> = {
  body: 'body',
  params: 'params',
  querystring: 'query',
  headers: 'headers',
};

/** Turns a zod validation failure into field paths a client can act on: `body.members.0.role`. */
function validationError(error: FastifyError): ApiError {
  const context = contexts[error.validationContext ?? 'body'] ?? 'body';
  const fields = (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean).join('.');
    return { path: path ? `${context}.${path}` : context, message: issue.message ?? 'invalid' };
  });
  const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
  return ApiError.invalid(`invalid request: ${summary}`, fields);
}

/**
 * Every error leaves as `{error: {code, message, fields?}}`. Unexpected errors are logged with the
 * request id and answered without details, so nothing internal (or secret) leaks to the caller.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof ConflictError) {
      apiError = ApiError.conflict('the resource changed while this request ran; read it again and retry');
    } else if (hasZodFastifySchemaValidationErrors(error)) apiError = validationError(error);
    // The secrets package's own rules (a reserved name, a NUL in a value); its messages hold no values.
    else if (error instanceof InvalidSecretError) apiError = ApiError.invalid(error.message);
    else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      apiError = ApiError.invalid(`the body is not valid JSON: ${error.message}`);
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      apiError = new ApiError(error.statusCode, (error.code ?? 'bad_request').toLowerCase(), error.message);
    } else {
      request.log.error({ err: error, requestId: request.id }, 'request failed');
      apiError = new ApiError(
        500,
        'internal',
        `internal error (request id ${request.id}); the operators can find it in the logs`,
      );
    }
    void reply.status(apiError.status).send(errorBody(apiError));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(
        errorBody(new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
      );
  });
}
