/**
 * Which nodes the lab on screen has: the author's list from the notebook's
 * metadata when it declares one, else the preset (or custom list) of the
 * settings, with the student's key and user where they gave one. Notebooks
 * are handed in by students, so declared entries are checked like the
 * placeholders' and a bad one is named, never half-used.
 */
import { readNotebookRecord } from '../metadata/format';
import type { IPlaceholder } from '../placeholders/definitions';
import { labNodes, NodesResult, PresetId, PRESETS } from './presets';
import { checkLab, INode } from './sshconfig';

/** At most this many nodes are read from one notebook. */
export const MAX_DECLARED_NODES = 20;

/** The terminals' settings that shape the topology. */
export interface ITopologySettings {
  preset: PresetId;
  /** The nodes of the custom preset. */
  nodes: INode[];
  /** The student's key for every node, instead of the preset's; `''` keeps it. */
  keyFile: string;
  /** The remote user for the preset's nodes, instead of its own; `''` keeps it. */
  user: string;
}

/** Nodes an author declared, or why they cannot be used. */
export interface IDeclaredNodes {
  nodes: INode[] | null;
  problems: string[];
}

/**
 * The nodes declared under `jupyterlab-testbed.nodes`, null when none are.
 */
export function declaredNodes(notebookMetadata: unknown): IDeclaredNodes {
  const read = readNotebookRecord(notebookMetadata);
  if (read.status !== 'ok' || read.record.nodes === undefined) {
    return { nodes: null, problems: [] };
  }
  const declared = read.record.nodes;
  if (!Array.isArray(declared) || declared.length === 0) {
    return {
      nodes: null,
      problems: [
        'The notebook’s node list is not a non-empty list; the preset applies.'
      ]
    };
  }
  const problems: string[] = [];
  const nodes: INode[] = [];
  declared.slice(0, MAX_DECLARED_NODES).forEach((entry, index) => {
    const node = readNode(entry);
    if (typeof node === 'string') {
      problems.push(`Node ${index + 1} of the notebook ${node}.`);
    } else {
      nodes.push(node);
    }
  });
  if (declared.length > MAX_DECLARED_NODES) {
    problems.push(`Only the first ${MAX_DECLARED_NODES} nodes are used.`);
  }
  // A lab with a node left out would send blocks to the wrong place.
  return problems.length
    ? { nodes: null, problems: [...problems, 'The preset applies.'] }
    : { nodes, problems };
}

/** A declared node, or what is wrong with it (to follow "Node N of the notebook"). */
export function readNode(entry: unknown): INode | string {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    return 'is not an object';
  }
  const raw = entry as { [key: string]: unknown };
  for (const key of ['name', 'host']) {
    if (typeof raw[key] !== 'string' || !(raw[key] as string).trim()) {
      return `has no ${key}`;
    }
  }
  for (const key of ['user', 'jump', 'identityFile']) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') {
      return `has a ${key} that is not text`;
    }
  }
  if (raw.forwardAgent !== undefined && typeof raw.forwardAgent !== 'boolean') {
    return 'has a forwardAgent that is not true or false';
  }
  // Declared nodes get no free options: a handed-in notebook must not be
  // able to add ssh behaviour to the student's terminal.
  return {
    name: raw.name as string,
    host: raw.host as string,
    user: (raw.user as string | undefined) ?? 'cc',
    jump: raw.jump as string | undefined,
    identityFile: raw.identityFile as string | undefined,
    forwardAgent: (raw.forwardAgent as boolean | undefined) ?? true
  };
}

/**
 * The nodes to connect to, with the student's values filled in, or what to
 * fix first. A host may name the field of one of the notebook's
 * `placeholders` (`{gpuIp}`). `chameleonKey` is the chameleon preset's key
 * the server reports; the student's `keyFile` wins over it.
 */
export function labTopology(
  settings: ITopologySettings,
  declared: INode[] | null,
  values: { [field: string]: string | undefined },
  placeholders: IPlaceholder[] = [],
  chameleonKey?: string
): NodesResult {
  const listed =
    declared ??
    (settings.preset === 'custom'
      ? settings.nodes
      : PRESETS[settings.preset].nodes.map(node => ({
          ...node,
          user: settings.user.trim() || node.user,
          identityFile:
            settings.preset === 'chameleon' && chameleonKey
              ? chameleonKey
              : node.identityFile
        })));
  const keyFile = settings.keyFile.trim();
  const nodes = keyFile
    ? listed.map(node => ({ ...node, identityFile: keyFile }))
    : listed;
  const result = labNodes('custom', values, nodes, placeholders);
  if (!result.ok) {
    return result;
  }
  // The lab's own paths are the server's; only the nodes are judged here.
  const problems = checkLab({
    nodes: result.nodes,
    knownHostsFile: '/known_hosts',
    controlDir: '/tmp'
  });
  return problems.length ? { ok: false, problems } : result;
}

/** The key files the lab's nodes use, once each. */
export function keyFiles(nodes: INode[]): string[] {
  return [
    ...new Set(
      nodes
        .map(node => node.identityFile)
        .filter((k): k is string => k !== undefined)
    )
  ];
}
