/**
 * The labs students meet, as node lists. A host may name a placeholder
 * field (`{floatingIp}`), so the address the student entered once is used
 * everywhere, and a missing one says what to fill instead of giving a
 * broken command.
 */
import {
  CHAMELEON_PLACEHOLDERS,
  checkValue,
  IPlaceholder
} from '../placeholders/definitions';
import { INode } from './sshconfig';

export type PresetId = 'chameleon' | 'direct' | 'custom';

export interface IPreset {
  label: string;
  /** A host may name a placeholder field: `{floatingIp}`. */
  nodes: INode[];
}

export type NodesResult =
  { ok: true; nodes: INode[] } | { ok: false; problems: string[] };

const IPV4_PATTERN = CHAMELEON_PLACEHOLDERS.find(
  placeholder => placeholder.field === 'floatingIp'
)!.pattern;

function publicIp(
  token: string,
  field: string,
  which: string,
  example: string
): IPlaceholder {
  return {
    token,
    field,
    label: `Public IP of the ${which}`,
    description: `The public IPv4 address the cloud console shows for the ${which}.`,
    pattern: IPV4_PATTERN,
    example
  };
}

/** The tokens of the kubeadm-on-AWS lab, one public address per instance. */
export const DIRECT_PLACEHOLDERS: IPlaceholder[] = [
  publicIp(
    '<master-node-public-ip>',
    'masterIp',
    'master node',
    '44.202.130.30'
  ),
  publicIp(
    '<worker-node-1-ip>',
    'worker1Ip',
    'first worker node',
    '3.93.16.202'
  ),
  publicIp(
    '<worker-node-2-ip>',
    'worker2Ip',
    'second worker node',
    '3.90.115.251'
  )
];

const ALL_PLACEHOLDERS = [...CHAMELEON_PLACEHOLDERS, ...DIRECT_PLACEHOLDERS];

const CHAMELEON_KEY = '~/.ssh/id_rsa_chameleon';
const AWS_KEY = '~/.ssh/kube-keys.pem';

function chameleonNode(name: string, host: string, jump?: string): INode {
  return {
    name,
    host,
    user: 'cc',
    jump,
    identityFile: CHAMELEON_KEY,
    forwardAgent: true
  };
}

function awsNode(name: string, field: string): INode {
  return { name, host: `{${field}}`, user: 'ubuntu', identityFile: AWS_KEY };
}

export const PRESETS: { [id in Exclude<PresetId, 'custom'>]: IPreset } = {
  chameleon: {
    label: 'Chameleon: node1 by its floating IP, node2 and node3 through node1',
    nodes: [
      chameleonNode('node1', '{floatingIp}'),
      chameleonNode('node2', '192.168.1.12', 'node1'),
      chameleonNode('node3', '192.168.1.13', 'node1')
    ]
  },
  direct: {
    label: 'Direct SSH to every node by its public IP (AWS)',
    nodes: [
      awsNode('master', 'masterIp'),
      awsNode('worker1', 'worker1Ip'),
      awsNode('worker2', 'worker2Ip')
    ]
  }
};

/** Why a host cannot be filled yet, or null; the message is the same for every node using the field. */
function fieldProblem(
  node: INode,
  field: string,
  value: string,
  known: IPlaceholder[]
): string | null {
  const placeholder = known.find(p => p.field === field);
  if (!placeholder) {
    return `${node.name}: the host refers to {${field}}, which is not a placeholder field.`;
  }
  if (value === '') {
    // "Floating IP" reads "floating IP" mid-sentence; "GPU address" stays.
    const what = /^[A-Z][a-z]/.test(placeholder.label)
      ? placeholder.label[0].toLowerCase() + placeholder.label.slice(1)
      : placeholder.label;
    // A built-in label names the preset's node ("Floating IP of node1"); a
    // lab's own node (node-data) reached at that address is named instead.
    const other = ALL_PLACEHOLDERS.includes(placeholder)
      ? / of (\S+)$/.exec(what)
      : null;
    if (other && other[1] !== node.name) {
      const field = what.slice(0, other.index);
      return `Set the ${field} first: it is ${node.name}'s address (Testbed sidebar ▸ Placeholders).`;
    }
    return `Set the ${what} first (Testbed sidebar ▸ Placeholders).`;
  }
  return checkValue(placeholder, value, known);
}

/**
 * The lab's nodes with the student's values filled in, or what to fix
 * first. `custom` is the student's own list, used for the custom preset;
 * `declared` are the notebook's placeholders, whose fields a host may name.
 */
export function labNodes(
  preset: PresetId,
  values: { [field: string]: string | undefined },
  custom: INode[] = [],
  declared: IPlaceholder[] = []
): NodesResult {
  const known = [...declared, ...ALL_PLACEHOLDERS];
  const nodes = preset === 'custom' ? custom : PRESETS[preset].nodes;
  if (nodes.length === 0) {
    return {
      ok: false,
      problems: ['The custom lab has no nodes yet: add them in the settings.']
    };
  }
  const problems = new Set<string>();
  const resolved = nodes.map(node => ({
    ...node,
    host: node.host.replace(/\{([^{}]*)\}/g, (_, field: string) => {
      const value = (values[field] ?? '').trim();
      const problem = fieldProblem(node, field, value, known);
      if (problem) {
        problems.add(problem);
      }
      return value;
    })
  }));
  return problems.size
    ? { ok: false, problems: [...problems] }
    : { ok: true, nodes: resolved };
}
