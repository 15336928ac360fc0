import { isRecord } from '@switchyard/contracts';
import { backendMessageOf, type BackendErrorResponse } from '../backend-errors.js';

/** The parts of an OpenAI-style error body a translator decides on. */
export interface OpenAiErrorInfo {
  readonly message: string;
  readonly type: string | undefined;
  /** OpenAI and LM Studio use strings (`model_not_found`); vLLM ≥ 0.10.1 the HTTP status. */
  readonly code: string | number | undefined;
  readonly param: string | undefined;
}

/**
 * Reads every OpenAI-compatible error shape: the envelope `{"error":{message,type,param,code}}`,
 * vLLM's older flat `{"object":"error",message,type,param,code}`, and a plain
 * `{"error":"…"}` (LM Studio routing errors, vLLM's 401).
 */
export function openAiErrorInfo(response: BackendErrorResponse): OpenAiErrorInfo {
  const body = response.body;
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : body;
  const fields = isRecord(error) ? error : {};
  return {
    message: backendMessageOf(response),
    type: typeof fields['type'] === 'string' ? fields['type'] : undefined,
    code:
      typeof fields['code'] === 'string' || typeof fields['code'] === 'number'
        ? fields['code']
        : undefined,
    param: typeof fields['param'] === 'string' ? fields['param'] : undefined,
  };
}

/** The fields worth keeping in a catalogued error's details. */
export function openAiErrorDetails(info: OpenAiErrorInfo): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (info.type !== undefined) details['backend_type'] = info.type;
  if (info.code !== undefined) details['backend_code'] = info.code;
  if (info.param !== undefined) details['param'] = info.param;
  return details;
}
