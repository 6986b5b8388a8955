/** OpenAI-style error bodies and injected failures, as llm-d-inference-sim produces them (spec A.8, A.9). */
import type { FailureType } from './keys.ts';

export interface ApiError {
  status: number;
  message: string;
  param?: string | null;
}

/** OpenAI SDK class name for a status. */
export function errorType(status: number): string {
  const m: Record<number, string> = {
    400: 'BadRequestError',
    401: 'AuthenticationError',
    403: 'PermissionDeniedError',
    404: 'NotFoundError',
    422: 'UnprocessableEntityError',
    429: 'RateLimitError',
  };
  return m[status] ?? (status >= 500 ? 'InternalServerError' : 'APIConnectionError');
}

export function errorBody(e: ApiError): string {
  return JSON.stringify({ error: { message: e.message, type: errorType(e.status), param: e.param ?? null, code: e.status } });
}

export function injectedFailure(type: FailureType, model: string): ApiError {
  switch (type) {
    case 'rate_limit':
      return { status: 429, message: `Rate limit reached for ${model} in organization org-xxx on requests per min (RPM): Limit 3, Used 3, Requested 1.` };
    case 'invalid_api_key':
      return { status: 401, message: 'Incorrect API key provided.' };
    case 'context_length':
      return { status: 400, message: "This model's maximum context length is 4096 tokens. However, your messages resulted in 4500 tokens.", param: 'messages' };
    case 'server_error':
      return { status: 503, message: 'The server is overloaded or not ready yet.' };
    case 'invalid_request':
      return { status: 400, message: "Invalid request: missing required parameter 'model'.", param: 'model' };
    case 'model_not_found':
      return { status: 404, message: `The model '${model}-nonexistent' does not exist`, param: 'model' };
  }
}

export function contextTooLong(maxModelLen: number, prompt: number, completion: number): ApiError {
  return {
    status: 400,
    message: `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion`,
  };
}
