/**
 * What the commands take as arguments, as a JSON Schema (`describedBy`),
 * so that the command palette, keyboard shortcuts and other extensions can
 * tell how to call them. Every argument is optional: each command works
 * from the current notebook or selection without any.
 */
import type { ReadonlyJSONObject } from '@lumino/coreutils';

/** One optional argument: its JSON type and what it means. */
export type ArgumentDescription = {
  type: 'string' | 'boolean' | 'number';
  description: string;
};

/** `describedBy` of a command and its optional arguments (none by default). */
export function describeArguments(
  properties: { [name: string]: ArgumentDescription } = {}
): { args: ReadonlyJSONObject } {
  return {
    args: {
      type: 'object',
      properties: { ...properties },
      additionalProperties: false
    }
  };
}

/** The argument of the commands about one node of the lab. */
export const NODE_ARGUMENT: { [name: string]: ArgumentDescription } = {
  node: {
    type: 'string',
    description: 'The node’s name; default: the lab’s first node'
  }
};
