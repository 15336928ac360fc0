import type { ToolChoice, ToolDefinition } from '@switchyard/contracts';
import { z } from 'zod';
import { badField, parseField } from '../../http/bad-request.js';
import { typeOf } from '../../http/canonical-request.js';
import { defined } from '../../http/defined.js';
import {
  allowedFunctionSchema,
  functionToolSchema,
  type AllowedToolsChoice,
} from './responses-request.schemas.js';

// The Responses API's tools as the canonical chat's function tools.

/**
 * What joins a namespace and a function's name into the one name a model sees: a name of
 * letters, digits, `_` and `-`, as models are trained to call (OpenAI's own function names allow
 * no other characters).
 */
const NAMESPACE_SEPARATOR = '__';

/**
 * Hosted tools the gateway leaves out instead of refusing: the server runs them, and the client
 * only offers them. Coding agents offer web search on every request (Codex does, by default), so
 * refusing it would refuse every request of theirs; the model is simply not told of it, as if the
 * client had not offered it. Hosted tools that name the client's own resources (file search's
 * vector stores, MCP servers, containers) are still refused: their answers would be missing.
 */
const OFFERED_HOSTED_TOOLS: ReadonlySet<string> = new Set(['web_search', 'web_search_preview']);

const namespaceToolSchema = z.object({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: z.string().nullish(),
  tools: z.array(z.unknown()),
});

/**
 * A function's name as the client knows it: with its namespace, if it has one. (A type, not an
 * interface, so that it can be merged into an event's fields with `Object.assign`.)
 */
export type ClientToolName = {
  name: string;
  namespace?: string;
};

/** The request's tools as canonical function tools, and the way back to the client's names. */
export interface TranslatedTools {
  functions: ToolDefinition[];
  /** The client's name for a function the model called by its flat name. */
  clientName(flatName: string): ClientToolName;
  /**
   * The tools as a response object states them: as the client sent them (namespaces and hosted
   * tools too), each function with OpenAI's defaults filled in.
   */
  echo: unknown[];
}

/**
 * Function tools as they are; the functions of a `namespace` tool as functions named
 * `<namespace>__<name>`, described with their namespace; `web_search` left out (see
 * {@link OFFERED_HOSTED_TOOLS}); any other kind refused, naming it.
 */
export function translateTools(tools: readonly unknown[]): TranslatedTools {
  const namespaced = new Map<string, ClientToolName>();
  const echo: unknown[] = [];
  const functions = tools.flatMap((raw, i): ToolDefinition[] => {
    const type = typeOf(raw, 'undefined');
    if (type === 'function') {
      const tool = functionTool(raw, ['tools', i]);
      echo.push(functionEcho(tool));
      return [tool];
    }
    if (OFFERED_HOSTED_TOOLS.has(type)) {
      echo.push(raw);
      return [];
    }
    if (type !== 'namespace') throw unsupportedTool(type, `tools[${i}].type`);
    const namespace = parseField(namespaceToolSchema, raw, ['tools', i]);
    const inNamespace = namespace.tools.map((inner, j) => {
      const innerType = typeOf(inner, 'undefined');
      if (innerType !== 'function') {
        throw unsupportedTool(innerType, `tools[${i}].tools[${j}].type`);
      }
      return functionTool(inner, ['tools', i, 'tools', j]);
    });
    echo.push(Object.assign({}, namespace, { tools: inNamespace.map(functionEcho) }));
    return inNamespace.map((tool) => {
      const flat = flatToolName(tool.name, namespace.name);
      namespaced.set(flat, { namespace: namespace.name, name: tool.name });
      const about = [namespace.description, tool.description].filter(Boolean).join('\n');
      return defined(
        Object.assign({}, tool, { name: flat, description: about === '' ? undefined : about }),
      );
    });
  });
  return {
    functions,
    clientName: (flatName) => namespaced.get(flatName) ?? { name: flatName },
    echo,
  };
}

/** A function tool as OpenAI's response objects state it, every field there. */
function functionEcho(tool: ToolDefinition): Record<string, unknown> {
  return {
    type: 'function',
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  };
}

/**
 * `tool_choice: {type: "allowed_tools"}`: the model may call only the listed tools, though the
 * request offers more (a client keeps its tool list whole, and so its prompt's prefix, while it
 * narrows the choice turn by turn). The others are not offered to the model at all, and `mode` is
 * the tool choice among those left. A listed tool the request does not offer, or one of another
 * kind than a function, is refused by name.
 */
export function allowedTools(
  functions: readonly ToolDefinition[],
  choice: AllowedToolsChoice,
): { functions: ToolDefinition[]; toolChoice: ToolChoice } {
  const allowed = new Set(
    choice.tools.map((raw, i) => {
      const type = typeOf(raw, 'undefined');
      if (type !== 'function') throw unsupportedTool(type, `tool_choice.tools[${i}].type`);
      const tool = parseField(allowedFunctionSchema, raw, ['tool_choice', 'tools', i]);
      const name = flatToolName(tool.name, tool.namespace);
      if (!functions.some((offered) => offered.name === name)) {
        throw badField(
          `tool_choice.tools[${i}] names "${name}", which is not among the request's tools`,
          `tool_choice.tools[${i}].name`,
        );
      }
      return name;
    }),
  );
  return {
    functions: functions.filter((tool) => allowed.has(tool.name)),
    toolChoice: choice.mode,
  };
}

/** A function's name as the model sees it: joined to its namespace, when it has one. */
export function flatToolName(name: string, namespace: string | null | undefined): string {
  return namespace == null || namespace === '' ? name : `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

function functionTool(raw: unknown, path: (string | number)[]): ToolDefinition {
  const { name, description, parameters, strict } = parseField(functionToolSchema, raw, path);
  return defined({
    name,
    description: description ?? undefined,
    parameters: parameters ?? undefined,
    strict: strict ?? undefined,
  });
}

function unsupportedTool(type: string, param: string): Error {
  return badField(
    `tools of type "${type}" are not supported: only function tools (alone or in a namespace), which the caller runs`,
    param,
  );
}
