/**
 * One OpenSSH config for a lab, so `ssh node2` works by hand and every hop
 * (the ProxyJump child too, which ignores `-i`/`-o` given on the command
 * line) finds its key, known_hosts and shared connection. Values come from
 * students and notebook authors, so each one is checked before it can
 * become a config line.
 */

/** A machine of the lab, as the student calls it. */
export interface INode {
  /** The alias the student types: `ssh node2`. */
  name: string;
  /** Address or DNS name. */
  host: string;
  user: string;
  /** The name of another node to jump through. */
  jump?: string;
  identityFile?: string;
  /** Pass the student's agent on, so the node can reach the next hop. */
  forwardAgent?: boolean;
  /** Further `ssh_config` keywords and their values. */
  options?: { [key: string]: string };
}

/** A lab's nodes and where its per-lab ssh state lives. */
export interface ILab {
  nodes: INode[];
  /** The lab's own known_hosts: a reused floating IP concerns this lab only. */
  knownHostsFile: string;
  /** A short directory for the shared-connection sockets. */
  controlDir: string;
  /**
   * The agent every hop uses and forwards, named in the config so it works
   * without `SSH_AUTH_SOCK` in the terminal's environment.
   */
  agentSocket?: string;
  /** How long an idle shared connection stays, in ssh's time format. */
  controlPersist?: string;
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
}

export type SshConfigResult =
  { ok: true; text: string } | { ok: false; problems: string[] };

/**
 * The kernel limit for a unix socket path (108 on Linux, 104 on macOS).
 * ssh adds `/` and the 40 hex characters of `%C` to the directory, and
 * while the master starts it binds a temporary name 17 characters longer.
 */
export const SOCKET_PATH_LIMIT = 104;
const CONTROL_NAME_LENGTH = '/'.length + 40 + '.XXXXXXXXXXXXXXXX'.length;
/** What `~` may stand for: `/home/` and the longest user name. */
const HOME_BUDGET = '/home/'.length + 32;

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;
const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f:]*:[0-9A-Fa-f.]*$/;
const OPTION_KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const DURATION = /^(\d{1,6}[smhdwSMHDW]?){1,4}$|^(yes|no)$/i;
const PORT_TEXT = /^[0-9]{1,5}$/;
const ALGORITHMS = /^[+^-]?[A-Za-z0-9@._-]+(,[A-Za-z0-9@._-]+){0,31}$/;
/** Where a forward may listen: this machine only, never every interface. */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** Characters that would change what a config line means, and why. */
const CONFIG_MEANINGS: [RegExp, string][] = [
  [/[\r\n]/, 'it would start a new config line'],
  [/\s/, 'it would split the value in two'],
  [/#/, 'it would start a comment'],
  [/["'\\]/, 'it would change the quoting of the value'],
  [/%/, 'ssh would expand it as a token (%h, %u, …)'],
  [/\$/, 'ssh would substitute an environment variable'],
  [/[*?!]/, 'ssh would read it as a host pattern'],
  [/[;&|`<>()]/, 'a shell would read it as a command'],
  [/[\x00-\x1f\x7f-\x9f]/, 'it is a control character']
];

/*
 * The allow-list, as the server's jupyterlab_testbed/ssh_keywords.json has
 * it (a jest test compares the two): the keywords the generator writes from
 * the node's fields, the options a custom node may add with the rule each
 * value must pass, and why some well-known keywords are refused.
 */

/** Keywords the generator writes itself, from the node's fields. */
export const MANAGED: { [keyword: string]: string } = {
  HostName: 'host',
  User: 'user',
  IdentityFile: 'path',
  IdentitiesOnly: 'yes-no',
  ProxyJump: 'jumps',
  IdentityAgent: 'agent',
  AddKeysToAgent: 'yes-no',
  ForwardAgent: 'forward-agent',
  StrictHostKeyChecking: 'strict',
  UserKnownHostsFile: 'known-hosts',
  ServerAliveInterval: 'alive-interval',
  ServerAliveCountMax: 'alive-count',
  ControlMaster: 'control-master',
  ControlPath: 'control-path',
  ControlPersist: 'duration'
};

/** Keywords a custom node's options may set, and the rule of each value. */
export const OPTIONS: { [keyword: string]: string } = {
  Port: 'port',
  DynamicForward: 'dynamic-forward',
  LocalForward: 'local-forward',
  ExitOnForwardFailure: 'yes-no',
  Compression: 'yes-no',
  TCPKeepAlive: 'yes-no',
  CheckHostIP: 'yes-no',
  ConnectTimeout: 'timeout',
  ConnectionAttempts: 'attempts',
  AddressFamily: 'address-family',
  LogLevel: 'log-level',
  RequestTTY: 'request-tty',
  HostKeyAlgorithms: 'algorithms',
  PubkeyAcceptedAlgorithms: 'algorithms'
};

/** Keywords refused with a reason of their own. */
export const REFUSED: { [lowerKey: string]: string } = {
  proxycommand: 'it runs a local command',
  localcommand: 'it runs a local command',
  permitlocalcommand: 'it lets a LocalCommand run',
  knownhostscommand: 'it runs a local command',
  remotecommand: 'it replaces the shell the student expects',
  xauthlocation: 'it names a program ssh runs for X11 forwarding',
  forwardx11: "it lets the node reach the student's display",
  forwardx11trusted: "it lets the node reach the student's display",
  pkcs11provider: 'it loads a library into ssh',
  securitykeyprovider: 'it loads a library into ssh',
  include: 'it reads another file into the config',
  match: 'its exec criterion runs a local command',
  remoteforward: "it lets the node open connections on the student's side",
  setenv: 'it sets environment variables on the node',
  sendenv: "it sends the server's environment to the node"
};

const OPTION_ENUMS: { [rule: string]: string[] } = {
  'yes-no': ['yes', 'no'],
  'address-family': ['any', 'inet', 'inet6'],
  'log-level': [
    'quiet',
    'fatal',
    'error',
    'info',
    'verbose',
    'debug',
    'debug1',
    'debug2',
    'debug3'
  ],
  'request-tty': ['yes', 'no', 'force', 'auto']
};

const OPTION_RANGES: { [rule: string]: [number, number] } = {
  port: [1, 65535],
  timeout: [1, 600],
  attempts: [1, 10]
};

/** The lab-wide keep-alive settings, with the server's bounds. */
const ALIVE_RANGES = {
  serverAliveInterval: [0, 3600],
  serverAliveCountMax: [0, 100]
} as const;

const BLANKS: { [char: string]: string } = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a line break'
};

/** Why a free-form value cannot go into a config line, or null. */
function lineProblem(value: string, allowSpace = false): string | null {
  if (value === '') {
    return 'it is empty';
  }
  for (const [pattern, why] of CONFIG_MEANINGS) {
    const found = pattern.exec(allowSpace ? value.replace(/ /g, '') : value);
    if (found) {
      const shown = BLANKS[found[0]] ?? `“${found[0]}”`;
      return `it cannot contain ${shown}: ${why}`;
    }
  }
  if (value.startsWith('-')) {
    return 'it cannot start with “-”: ssh would read it as an option';
  }
  return null;
}

function hostProblem(host: string): string | null {
  const problem = lineProblem(host);
  if (problem) {
    return problem;
  }
  if (host.includes(':')) {
    return IPV6.test(host) ? null : `“${host}” is not a valid IPv6 address`;
  }
  if (/^[\d.]+$/.test(host)) {
    const parts = host.split('.');
    return parts.length === 4 && parts.every(part => IPV4_OCTET.test(part))
      ? null
      : `“${host}” is not a valid IPv4 address (for example 129.114.25.134)`;
  }
  return HOSTNAME.test(host) && host.length <= 253
    ? null
    : `“${host}” is not a valid host name or address`;
}

function pathProblem(path: string): string | null {
  const problem = lineProblem(path);
  if (problem) {
    return problem;
  }
  if (!path.startsWith('/') && !path.startsWith('~/')) {
    return `“${path}” must be an absolute path or start with ~/`;
  }
  const odd = /[^A-Za-z0-9._/+@,=~-]/.exec(path);
  if (odd) {
    return `it cannot contain “${odd[0]}”`;
  }
  return path.indexOf('~', 1) > 0
    ? 'it can contain “~” only at the start, as ~/'
    : null;
}

/** “The user cannot contain …” from a problem worded “it cannot contain …”. */
function about(subject: string, problem: string): string {
  return `${subject} ${problem.replace(/^it /, '')}`;
}

/** Whether one hop or target is [user@]host[:port], host a name or address. */
function isHostPort(spec: string): boolean {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : '';
  const rest = spec.slice(at + 1);
  if (at >= 0 && !USER.test(user)) {
    return false;
  }
  let address: string;
  let port: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    address = rest.slice(1, close < 0 ? undefined : close);
    const after = close < 0 ? '' : rest.slice(close + 1);
    if (close < 0 || (after && !after.startsWith(':'))) {
      return false;
    }
    port = after.slice(1);
    if (!address.includes(':')) {
      return false;
    }
  } else {
    const colon = rest.indexOf(':');
    address = colon < 0 ? rest : rest.slice(0, colon);
    port = colon < 0 ? '' : rest.slice(colon + 1);
  }
  return (
    hostProblem(address) === null &&
    (!port || (PORT_TEXT.test(port) && +port >= 1 && +port <= 65535))
  );
}

/** Whether a forward's listening side is a port, on this machine only. */
function isListen(spec: string): boolean {
  const colon = spec.lastIndexOf(':');
  const address = colon < 0 ? '' : spec.slice(0, colon);
  const port = spec.slice(colon + 1);
  if (address && !LOOPBACK.includes(address.toLowerCase())) {
    return false;
  }
  return PORT_TEXT.test(port) && +port >= 1 && +port <= 65535;
}

/** Why an option's value fails its keyword's rule, worded to follow the keyword. */
function optionValueProblem(rule: string, value: string): string | null {
  const meaning = lineProblem(value, rule === 'local-forward');
  if (meaning) {
    return meaning.replace(/^it /, '');
  }
  const choices = OPTION_ENUMS[rule];
  if (choices) {
    return choices.includes(value.toLowerCase())
      ? null
      : `must be ${choices.join(' or ')}, not “${value}”`;
  }
  const range = OPTION_RANGES[rule];
  if (range) {
    const [low, high] = range;
    return PORT_TEXT.test(value) && +value >= low && +value <= high
      ? null
      : `must be a whole number from ${low} to ${high}, not “${value}”`;
  }
  if (rule === 'dynamic-forward') {
    return isListen(value)
      ? null
      : `“${value}” must be a port, optionally after localhost: (never every interface)`;
  }
  if (rule === 'local-forward') {
    const parts = value.split(' ');
    if (
      parts.length !== 2 ||
      !isListen(parts[0]) ||
      !isHostPort(parts[1]) ||
      parts[1].includes('@')
    ) {
      return `“${value}” must be “[localhost:]port host:port”, listening on this machine only`;
    }
    return parts[1].split(']').pop()!.includes(':')
      ? null
      : `“${value}” must name the target's port: host:port`;
  }
  return ALGORITHMS.test(value)
    ? null
    : `“${value}” is not a list of algorithm names`;
}

/** Why a custom node's option cannot be written, worded to follow “option ”. */
export function checkOption(key: string, value: string): string | null {
  if (!OPTION_KEY.test(key)) {
    return `“${key}” is not an ssh_config keyword`;
  }
  const lower = key.toLowerCase();
  if (lower === 'host') {
    return `${key} is not allowed: it starts a new block`;
  }
  const managed = Object.keys(MANAGED).find(k => k.toLowerCase() === lower);
  if (managed) {
    return `${managed} is set from the node's fields, not from options`;
  }
  const allowed = Object.keys(OPTIONS).find(k => k.toLowerCase() === lower);
  if (!allowed) {
    return `${key} is not allowed: ${REFUSED[lower] ?? "the lab's config never needs it"}`;
  }
  const problem = optionValueProblem(OPTIONS[allowed], value);
  return problem ? `${key} ${problem}` : null;
}

/** The longest socket path the lab's ControlPath can give. */
export function controlSocketLength(controlDir: string): number {
  const dir = controlDir.replace(/\/+$/, '');
  const home = dir.startsWith('~') ? HOME_BUDGET - 1 : 0;
  return dir.length + home + CONTROL_NAME_LENGTH;
}

function labProblems(lab: ILab): string[] {
  const problems: string[] = [];
  const knownHosts = pathProblem(lab.knownHostsFile);
  if (knownHosts) {
    problems.push(`${about("The lab's known_hosts file", knownHosts)}.`);
  }
  if (lab.agentSocket !== undefined) {
    const agent = pathProblem(lab.agentSocket);
    if (agent) {
      problems.push(`${about("The lab's agent socket", agent)}.`);
    }
  }
  const controlDir = pathProblem(lab.controlDir);
  if (controlDir) {
    problems.push(`${about("The lab's connection directory", controlDir)}.`);
  } else if (controlSocketLength(lab.controlDir) > SOCKET_PATH_LIMIT) {
    problems.push(
      `The lab's connection directory “${lab.controlDir}” is too long: ` +
        `its sockets would need ${controlSocketLength(lab.controlDir)} ` +
        `characters, and the limit is ${SOCKET_PATH_LIMIT}. Use a short directory such as /tmp/ssh-lab.`
    );
  }
  if (lab.controlPersist !== undefined && !DURATION.test(lab.controlPersist)) {
    problems.push(
      `“${lab.controlPersist}” is not a valid ControlPersist time (for example 10m).`
    );
  }
  for (const field of ['serverAliveInterval', 'serverAliveCountMax'] as const) {
    const value = lab[field];
    const [low, high] = ALIVE_RANGES[field];
    if (
      value !== undefined &&
      !(Number.isInteger(value) && value >= low && value <= high)
    ) {
      problems.push(
        `The lab's ${field} must be a whole number from ${low} to ${high}.`
      );
    }
  }
  return problems;
}

function nodeProblems(node: INode, names: Set<string>): string[] {
  const name = node.name;
  if (!NAME.test(name)) {
    const problem = lineProblem(name);
    return [
      problem
        ? `${about(`The node name “${name}”`, problem)}.`
        : `The node name “${name}” is not a simple alias: use a letter, then ` +
          'letters, digits, “-” or “_” (for example node1).'
    ];
  }
  const problems: string[] = [];
  const host = hostProblem(node.host);
  if (host) {
    problems.push(`${name}: ${about('the host', host)}.`);
  }
  if (!USER.test(node.user)) {
    const problem =
      lineProblem(node.user) ??
      `“${node.user}” is not a valid user name (for example cc)`;
    problems.push(`${name}: ${about('the user', problem)}.`);
  }
  if (node.identityFile !== undefined) {
    const path = pathProblem(node.identityFile);
    if (path) {
      problems.push(`${name}: ${about('the key file', path)}.`);
    }
  }
  if (node.jump !== undefined) {
    if (node.jump === name) {
      problems.push(`${name}: it cannot jump through itself.`);
    } else if (!names.has(node.jump)) {
      problems.push(
        `${name}: it jumps through “${node.jump}”, which is not a node of this lab.`
      );
    }
  }
  for (const [key, value] of Object.entries(node.options ?? {})) {
    const option = checkOption(key, value);
    if (option) {
      problems.push(`${name}: option ${option}.`);
    }
  }
  return problems;
}

/** A jump chain that comes back to where it started, as `a → b → a`. */
function jumpCycle(nodes: INode[]): string[] | null {
  const jumpOf = new Map(nodes.map(node => [node.name, node.jump]));
  for (const start of nodes) {
    const chain = [start.name];
    let next = start.jump;
    while (next !== undefined && jumpOf.has(next) && next !== start.name) {
      if (chain.includes(next)) {
        break;
      }
      chain.push(next);
      next = jumpOf.get(next);
    }
    if (next === start.name && chain.length > 1) {
      return [...chain, start.name];
    }
  }
  return null;
}

/** Why a lab cannot be written as a config, empty when it can. */
export function checkLab(lab: ILab): string[] {
  const problems = labProblems(lab);
  if (lab.nodes.length === 0) {
    problems.push('The lab has no nodes.');
  }
  const names = new Set<string>();
  const terminals = new Map<string, string>();
  for (const node of lab.nodes) {
    const terminal = terminalName(node.name);
    // Blocks name their node in any case (`# run on Node1`).
    const other = terminals.get(terminal.toLowerCase());
    if (names.has(node.name)) {
      problems.push(`Two nodes are called “${node.name}”.`);
    } else if (other !== undefined) {
      problems.push(
        `“${other}” and “${node.name}” differ only in case, “-” or “_”: a block for one could go to the other. Rename one.`
      );
    } else if (NAME.test(node.name) && JUPYTER_SUFFIX.test(terminal)) {
      problems.push(
        `The node name “${node.name}” ends in “jupyter”, which names the lab's Jupyter terminal. Rename it.`
      );
    }
    names.add(node.name);
    terminals.set(terminal.toLowerCase(), node.name);
  }
  for (const node of lab.nodes) {
    problems.push(...nodeProblems(node, names));
  }
  const cycle = jumpCycle(lab.nodes);
  if (cycle) {
    problems.push(`The jumps go round in a circle: ${cycle.join(' → ')}.`);
  }
  return problems;
}

function hostBlock(lab: ILab, node: INode): string[] {
  const lines: [string, string][] = [
    ['HostName', node.host],
    ['User', node.user]
  ];
  if (node.identityFile !== undefined) {
    lines.push(['IdentityFile', node.identityFile], ['IdentitiesOnly', 'yes']);
  }
  if (node.jump !== undefined) {
    lines.push(['ProxyJump', node.jump]);
  }
  if (lab.agentSocket !== undefined) {
    // A passphrase typed once at the first hop then serves every later one.
    lines.push(['IdentityAgent', lab.agentSocket], ['AddKeysToAgent', 'yes']);
  }
  if (node.forwardAgent) {
    lines.push(['ForwardAgent', lab.agentSocket ?? 'yes']);
  }
  lines.push(
    ['StrictHostKeyChecking', 'accept-new'],
    ['UserKnownHostsFile', lab.knownHostsFile],
    ['ServerAliveInterval', String(lab.serverAliveInterval ?? 15)],
    ['ServerAliveCountMax', String(lab.serverAliveCountMax ?? 4)],
    ['ControlMaster', 'auto'],
    ['ControlPath', `${lab.controlDir.replace(/\/+$/, '')}/%C`],
    ['ControlPersist', lab.controlPersist ?? '10m'],
    ...Object.entries(node.options ?? {})
  );
  return [
    `Host ${node.name}`,
    ...lines.map(([key, value]) => `  ${key} ${value}`)
  ];
}

/** The lab's config text, or every reason it cannot be written. */
export function sshConfig(lab: ILab): SshConfigResult {
  const problems = checkLab(lab);
  if (problems.length) {
    return { ok: false, problems };
  }
  const blocks = lab.nodes.map(node => hostBlock(lab, node).join('\n'));
  return {
    ok: true,
    text:
      '# Written by jupyterlab-testbed for this lab; changes here are overwritten.\n\n' +
      blocks.join('\n\n') +
      '\n'
  };
}

/** A word bash reads back unchanged; `~/` stays outside the quotes so it expands. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9._/+@=:,-]+$/.test(word)) {
    return word;
  }
  if (word.startsWith('~/') && word.length > 2) {
    return `~/${shellQuote(word.slice(2))}`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** How a lab's Jupyter terminal is named (`<lab>_jupyter`); no node's terminal may be. */
export const JUPYTER_SUFFIX = /_jupyter$/;

/**
 * The name of a node's terminal on the server: Jupyter's terminal routes
 * take word characters only, so `node-data` has the terminal `node_data`.
 * Names that are already terminal names stay as they are.
 */
export function terminalName(node: string): string {
  return node.replace(/-/g, '_');
}

/**
 * Where a node's ssh goes, hop by hop (`cc@10.0.0.7:22 via cc@203.0.113.5:22`):
 * two labs may both call a node node1, at other addresses. Null for a
 * node the lab does not have.
 */
export function nodeRoute(nodes: INode[], name: string): string | null {
  const hops: string[] = [];
  const seen = new Set<string>();
  for (
    let node = nodes.find(n => n.name === name);
    node && !seen.has(node.name);
    node = nodes.find(n => n.name === node?.jump)
  ) {
    seen.add(node.name);
    const port = Object.entries(node.options ?? {}).find(
      ([keyword]) => keyword.toLowerCase() === 'port'
    )?.[1];
    hops.push(`${node.user}@${node.host}:${port ?? 22}`);
  }
  return hops.length ? hops.join(' via ') : null;
}

/**
 * Routes (see nodeRoute) kept by terminal name, read back from the
 * browser's storage: string values only; anything else, or text that is
 * not a JSON object, counts as nothing kept.
 */
export function readRoutes(stored: string | null): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored ?? '{}');
  } catch {
    return new Map();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new Map();
  }
  return new Map(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string'
    )
  );
}

/** What to type in a terminal to reach a node: the rest is in the config. */
export function sshCommand(configPath: string, node: string): string {
  if (!NAME.test(node)) {
    throw new Error(`“${node}” is not a node name.`);
  }
  return `ssh -F ${shellQuote(configPath)} ${node}`;
}
