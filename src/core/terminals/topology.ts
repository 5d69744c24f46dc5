/**
 * Which nodes the lab on screen has: the author's list from the notebook's
 * metadata once the student accepted it, else the preset (or custom list)
 * of the settings, with the student's key and user where they gave one.
 * Notebooks are written by anyone, so declared entries are checked like the
 * placeholders' and a bad one is named, never half-used; a notebook only
 * says where nodes are: keys, agent forwarding and ssh options always come
 * from the student's settings and the preset.
 */
import { isObject } from '../helpers';
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

/** The only fields of a declared node that are read. */
export const DECLARED_NODE_FIELDS = ['name', 'host', 'user', 'jump'];

/** Nodes an author declared, or why they cannot be used. */
export interface IDeclaredNodes {
  nodes: INode[] | null;
  problems: string[];
  /**
   * Fields the notebook set that are ignored (`identityFile`,
   * `forwardAgent`, `options`...), once each, to show the student.
   */
  ignored: string[];
}

/**
 * The nodes declared under `jupyterlab-testbed.nodes`, null when none are.
 */
export function declaredNodes(notebookMetadata: unknown): IDeclaredNodes {
  const read = readNotebookRecord(notebookMetadata);
  if (read.status !== 'ok' || read.record.nodes === undefined) {
    return { nodes: null, problems: [], ignored: [] };
  }
  const declared = read.record.nodes;
  if (!Array.isArray(declared) || declared.length === 0) {
    return {
      nodes: null,
      problems: [
        'The notebook’s node list is not a non-empty list; the preset applies.'
      ],
      ignored: []
    };
  }
  const ignored = new Set<string>();
  const problems: string[] = [];
  const nodes: INode[] = [];
  declared.slice(0, MAX_DECLARED_NODES).forEach((entry, index) => {
    const node = readNode(entry);
    if (isObject(entry)) {
      Object.keys(entry)
        .filter(key => !DECLARED_NODE_FIELDS.includes(key))
        .forEach(key => ignored.add(key.slice(0, 40)));
    }
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
  const extra = [...ignored].slice(0, 10);
  return problems.length
    ? {
        nodes: null,
        problems: [...problems, 'The preset applies.'],
        ignored: extra
      }
    : { nodes, problems, ignored: extra };
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
  for (const key of ['user', 'jump']) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') {
      return `has a ${key} that is not text`;
    }
  }
  // Only where the node is: a notebook must not choose which key is
  // loaded, who gets the agent, nor add ssh behaviour.
  return {
    name: raw.name as string,
    host: raw.host as string,
    user: (raw.user as string | undefined) ?? 'cc',
    jump: raw.jump as string | undefined
  };
}

/**
 * The key and agent forwarding of declared nodes: the student's key file,
 * else the preset's key and forwarding (none for the custom layout).
 */
export function studentSsh(
  settings: ITopologySettings,
  chameleonKey?: string
): Pick<INode, 'identityFile' | 'forwardAgent'> {
  const preset =
    settings.preset === 'custom' ? null : PRESETS[settings.preset].nodes[0];
  const presetKey =
    settings.preset === 'chameleon' && chameleonKey
      ? chameleonKey
      : preset?.identityFile;
  const keyFile = settings.keyFile.trim() || presetKey;
  return {
    ...(keyFile ? { identityFile: keyFile } : {}),
    forwardAgent: preset?.forwardAgent ?? false
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
  const own = studentSsh(settings, chameleonKey);
  const listed = declared
    ? declared.map(node => ({
        name: node.name,
        host: node.host,
        user: node.user,
        jump: node.jump,
        ...own
      }))
    : settings.preset === 'custom'
      ? settings.nodes
      : PRESETS[settings.preset].nodes.map(node => ({
          ...node,
          user: settings.user.trim() || node.user,
          identityFile:
            settings.preset === 'chameleon' && chameleonKey
              ? chameleonKey
              : node.identityFile
        }));
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
