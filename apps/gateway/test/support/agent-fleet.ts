import { startFleet, type Fleet } from './fleet.fixture.js';

// What the specs of the APIs agents speak (OpenAI's Responses, Anthropic's Messages) share: a
// fleet with a chat model on Ollama, one on vLLM and a reasoning model, and a question the
// simulator answers with a call of its weather tool.

export const OLLAMA_MODEL = 'llama3.2:latest';
export const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
/** The simulator makes a model whose name says "think" a reasoning model. */
export const THINKER = 'Qwen/Qwen3-8B-think';

export const SYSTEM_PROMPT = 'Be brief.';
export const QUESTION = 'Name a colour.';
/** The chat the simulator plans answers to {@link SYSTEM_PROMPT} and {@link QUESTION} from. */
export const AS_CHAT = [
  { role: 'system' as const, content: SYSTEM_PROMPT },
  { role: 'user' as const, content: QUESTION },
];

/** A question naming the tool, which the simulator answers with a call of it. */
export const WEATHER_QUESTION = 'What is get_weather in Paris?';
export const WEATHER_PARAMETERS = {
  type: 'object' as const,
  properties: { city: { type: 'string' }, days: { type: 'integer' } },
  required: ['city'],
};

export function startAgentFleet(): Promise<Fleet> {
  return startFleet({
    backends: [
      { kind: 'ollama' },
      { kind: 'vllm', sim: { models: [VLLM_MODEL] } },
      // A vLLM server serves one model (more names are its aliases): the thinker needs its own.
      { kind: 'vllm', sim: { models: [THINKER] } },
    ],
  });
}
