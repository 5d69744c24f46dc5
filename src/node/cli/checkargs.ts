/// <reference types="node" />
/**
 * The command line of jupyterlab-testbed-check: its usage, its options,
 * and what they name that is read before checking (the author's values,
 * the Trovi form). A wrong command line is a `UsageError`: the command then
 * exits with 2 and prints the usage.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ILintOptions } from '../../core/authoring/lint';
import {
  KnownValues,
  profileFields,
  profileValues
} from '../../core/authoring/profile';
import { ITroviForm, readTroviCrate } from '../../core/authoring/trovi';
import { commandLine, UsageError } from './args';
import { printable } from '../../core/invisible';
import { errorText, isObject } from '../../core/helpers';

export const NAME = 'jupyterlab-testbed-check';

export const USAGE = `Usage:
  ${NAME} <folder|notebook.ipynb> [--values <field>=<value>,...]
      [--profile <file>] [--nodes <name>,...] [--json <file>|-]
      [--prepare <new-folder> | --in-place --yes] [--trovi <form.json>]

Checks a lab's notebooks for what would leak or confuse students once it is
published: your own placeholder values, public addresses, project ids, keys,
passwords, e-mail addresses, outputs, execution counts, progress records,
undeclared tokens and nodes. A placeholder for a secret (REDACTED_...,
<password>, YOUR_TOKEN_HERE, xxxx, \${VAR}) is no leak; the demo password of
a service the lab runs (POSTGRES_PASSWORD: lab_demo) is a warning,
demo-credential.

Exit status follows leaks only: 1 when something would leak (or a prepared
copy is not clean), 2 on a wrong command line, else 0, with or without
warnings.

Your values are those of --values and of your JupyterLab placeholder
settings: --profile, else <jupyter config>/lab/user-settings/
jupyterlab-testbed/placeholders.jupyterlab-settings when it exists.
--nodes names the lab's nodes when its notebooks declare none (default
node1,node2,node3). --json writes the findings as JSON (- for standard
output).

--prepare writes a clean copy of the folder into a new folder and checks
the copy: filled cells restored, outputs, execution counts and progress
records removed. --in-place --yes cleans the folder itself, after copying
the originals to <folder>.originals-<date>-<time> beside it. --trovi writes
trovi.json from a form: {"name", "shortDescription", "description",
"keywords": [...], "authors": [{"name", "affiliation", "email"}]}.

As a Git pre-commit hook of a lab's repository:
  printf '#!/bin/sh\\nexec ${NAME} .\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`;

/** The file of the placeholders plugin's settings below the settings folder. */
const SETTINGS_FILE = path.join(
  'jupyterlab-testbed',
  'placeholders.jupyterlab-settings'
);

export interface IArguments {
  target?: string;
  /** `--values` by field. */
  values: KnownValues;
  profile?: string;
  nodes?: string[];
  json?: string;
  prepare?: string;
  inPlace: boolean;
  yes: boolean;
  trovi?: string;
  help: boolean;
}

export function parseArguments(argv: string[]): IArguments {
  const args: IArguments = {
    values: {},
    inPlace: false,
    yes: false,
    help: false
  };
  const positional: string[] = [];
  for (const { arg, value } of commandLine(argv)) {
    switch (arg) {
      case '--values':
        for (const [field, given] of parseValues(value())) {
          args.values[field] = [...(args.values[field] ?? []), given];
        }
        break;
      case '--profile':
        args.profile = value();
        break;
      case '--nodes': {
        const nodes = value()
          .split(',')
          .map(node => node.trim())
          .filter(node => node);
        if (!nodes.length) {
          throw new UsageError('--nodes needs at least one name');
        }
        args.nodes = nodes;
        break;
      }
      case '--json':
        args.json = value();
        break;
      case '--prepare':
        args.prepare = value();
        break;
      case '--in-place':
        args.inPlace = true;
        break;
      case '--yes':
        args.yes = true;
        break;
      case '--trovi':
        args.trovi = value();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') {
          throw new UsageError(`unknown option ${arg}`);
        }
        positional.push(arg);
    }
  }
  if (args.help) {
    return args;
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length
        ? 'one folder or notebook at a time'
        : 'which folder or notebook?'
    );
  }
  args.target = positional[0];
  if (args.prepare !== undefined && args.inPlace) {
    throw new UsageError('either --prepare or --in-place, not both');
  }
  if (args.inPlace && !args.yes) {
    throw new UsageError(
      `--in-place rewrites the notebooks of ${args.target} (the originals are first copied beside it): add --yes to confirm`
    );
  }
  if (args.yes && !args.inPlace) {
    throw new UsageError('--yes confirms --in-place');
  }
  if (args.trovi !== undefined && args.prepare === undefined && !args.inPlace) {
    throw new UsageError('--trovi goes with --prepare or --in-place');
  }
  return args;
}

/** `netID=ff524,project=CHI-231095`: the fields and their values. */
function parseValues(text: string): [string, string][] {
  return text
    .split(',')
    .filter(pair => pair.trim())
    .map(pair => {
      const equals = pair.indexOf('=');
      if (equals < 1) {
        throw new UsageError(
          `--values takes <field>=<value> pairs separated by commas, not “${pair}”`
        );
      }
      return [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()];
    })
    .filter((pair): pair is [string, string] => !!pair[1]);
}

/**
 * The author's values: --values, and the placeholder settings of --profile
 * or of the user's JupyterLab when that file exists.
 */
export function readProfile(
  args: IArguments
): Pick<ILintOptions, 'profileValues' | 'knownValues'> {
  const file = args.profile ?? defaultProfile();
  const known: KnownValues = { ...args.values };
  if (file !== null) {
    let settings: unknown;
    try {
      settings = JSON.parse(withoutComments(fs.readFileSync(file, 'utf-8')));
    } catch (error) {
      throw new UsageError(
        `cannot read the settings ${file}: ${errorText(error)}`
      );
    }
    const found = profileFields(settings);
    process.stderr.write(
      `${NAME}: ${profileValues(settings).length} value(s) of yours read from ${printable(file)}\n`
    );
    for (const [field, values] of Object.entries(found)) {
      known[field] = [...(known[field] ?? []), ...values];
    }
  } else if (!Object.keys(known).length) {
    process.stderr.write(
      `${NAME}: no values of yours to look for (no placeholder settings found; use --values or --profile)\n`
    );
  }
  return {
    profileValues: [...new Set(Object.values(known).flat())],
    knownValues: known
  };
}

/** The user's placeholder settings, where JupyterLab keeps them, if any. */
function defaultProfile(): string | null {
  const settingsDir =
    process.env.JUPYTERLAB_SETTINGS_DIR ||
    path.join(
      process.env.JUPYTER_CONFIG_DIR || path.join(os.homedir(), '.jupyter'),
      'lab',
      'user-settings'
    );
  const file = path.join(settingsDir, SETTINGS_FILE);
  return fs.existsSync(file) ? file : null;
}

/**
 * JupyterLab settings files allow comments and trailing commas: remove
 * them outside of strings so that JSON.parse reads the rest.
 */
function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
        }
      }
      out += text.slice(start, i + 1);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else if (char === ',' && /^\s*[}\]]/.test(text.slice(i + 1, i + 200))) {
      out += ' ';
    } else {
      out += char;
    }
  }
  return out;
}

/** A Trovi form, or an existing trovi.json to take the form from. */
export function readTrovi(file: string): ITroviForm {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (error) {
    throw new UsageError(
      `cannot read the Trovi form ${file}: ${errorText(error)}`
    );
  }
  const form = readTroviCrate(value) ?? Private.troviForm(value);
  if (!form) {
    throw new UsageError(
      `${file} is not a Trovi form: it is not a JSON object`
    );
  }
  return form;
}

namespace Private {
  /** The fields of a form written by hand; anything else is left empty. */
  export function troviForm(value: unknown): ITroviForm | null {
    if (!isObject(value)) {
      return null;
    }
    const text = (field: unknown) => (typeof field === 'string' ? field : '');
    const list = (field: unknown) => (Array.isArray(field) ? field : []);
    return {
      name: text(value.name),
      shortDescription: text(value.shortDescription),
      description: text(value.description),
      keywords: list(value.keywords).filter(
        (keyword): keyword is string => typeof keyword === 'string'
      ),
      authors: list(value.authors)
        .filter(isObject)
        .map(author => ({
          name: text(author.name),
          affiliation: text(author.affiliation),
          email: text(author.email)
        }))
    };
  }
}
