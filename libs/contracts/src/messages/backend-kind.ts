import { z } from 'zod';

/** The kinds of LLM server Switchyard speaks to, one worker app each. */
export const BACKEND_KINDS = ['ollama', 'lmstudio', 'vllm'] as const;
export const backendKindSchema = z.enum(BACKEND_KINDS);
export type BackendKind = z.infer<typeof backendKindSchema>;
