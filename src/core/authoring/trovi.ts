/**
 * The `trovi.json` Trovi (Chameleon's artifact site) reads when an artifact
 * is imported from a Git repository: an RO-Crate 1.1 metadata file, in the
 * shape `trovi artifact generate` writes.
 *
 * Pure. An existing file is untrusted: reading it takes only the fields the
 * form shows, as text, and gives null for anything else.
 */
import { isObject } from '../helpers';

export interface ITroviAuthor {
  name: string;
  affiliation: string;
  email: string;
}

export interface ITroviForm {
  /** The title; required. */
  name: string;
  /** Required, at most 70 characters (Trovi's limit). */
  shortDescription: string;
  /** Markdown allowed. */
  description: string;
  /** Tags: Trovi accepts only tags it knows (`trovi tag list`). */
  keywords: string[];
  /** At least one with a name. */
  authors: ITroviAuthor[];
}

export const TROVI_FILE = 'trovi.json';

/** Trovi's limits (its settings `ARTIFACT_*_MAX_CHARS`): longer is refused on import. */
const MAX_TITLE = 70;
export const MAX_SHORT_DESCRIPTION = 70;
const MAX_DESCRIPTION = 5000;
const MAX_KEYWORD = 32;
const MAX_AUTHOR_TEXT = 200;

const CONTEXT = 'https://w3id.org/ro/crate/1.1/context';
const CONFORMS_TO = 'https://w3id.org/ro/crate/1.1';
const APPLICATION_ID = '#ChameleonJupyterLab';

/** At most this many authors and keywords are read from a file. */
const MAX_ITEMS = 100;
/** Longer texts in a file are cut. */
const MAX_TEXT = 100_000;

/**
 * What keeps the form from being written, as sentences; [] when valid.
 */
export function checkTroviForm(form: ITroviForm): string[] {
  const problems: string[] = [];
  const tooLong = (what: string, text: string, max: number) => {
    if (text.length > max) {
      problems.push(
        `${what} has ${text.length} characters; Trovi takes at most ${max}.`
      );
    }
  };
  const name = form.name.trim();
  if (!name) {
    problems.push('The title is required.');
  }
  tooLong('The title', name, MAX_TITLE);
  const short = form.shortDescription.trim();
  if (!short) {
    problems.push('The short description is required.');
  }
  tooLong('The short description', short, MAX_SHORT_DESCRIPTION);
  tooLong('The description', form.description.trim(), MAX_DESCRIPTION);
  const keywords = troviKeywords(form.keywords);
  if (!keywords.length) {
    // Trovi reads an empty list as one empty tag, and refuses it.
    problems.push('Add at least one keyword (one of Trovi’s tags).');
  }
  keywords.forEach(keyword =>
    tooLong(`The keyword “${keyword.slice(0, 40)}”`, keyword, MAX_KEYWORD)
  );
  if (!form.authors.some(author => author.name.trim())) {
    problems.push('Add at least one author with a name.');
  }
  form.authors.forEach((author, index) => {
    tooLong(
      `The name of author ${index + 1}`,
      author.name.trim(),
      MAX_AUTHOR_TEXT
    );
    tooLong(
      `The affiliation of author ${index + 1}`,
      author.affiliation.trim(),
      MAX_AUTHOR_TEXT
    );
    const email = author.email.trim();
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      problems.push(
        `The e-mail address of author ${index + 1} (“${email.slice(0, 60)}”) is not one.`
      );
    }
  });
  return problems;
}

/**
 * The keywords as Trovi stores them: trimmed, without commas (a keyword
 * with one becomes two), without empty or repeated ones.
 */
export function troviKeywords(keywords: string[]): string[] {
  const seen = new Set<string>();
  return keywords
    .flatMap(keyword => keyword.split(','))
    .map(keyword => keyword.trim())
    .filter(keyword => {
      const fresh = keyword !== '' && !seen.has(keyword);
      seen.add(keyword);
      return fresh;
    });
}

/**
 * The JSON to write as `trovi.json`.
 */
export function troviCrate(form: ITroviForm): object {
  const authors = form.authors.filter(author => author.name.trim());
  const people = authors.map((author, index) => {
    const person: { [key: string]: string } = {
      '@id': `#author_${index}`,
      '@type': 'Person',
      name: author.name.trim(),
      affiliation: author.affiliation.trim()
    };
    if (author.email.trim()) {
      person.email = author.email.trim();
    }
    return person;
  });
  return {
    '@context': CONTEXT,
    '@graph': [
      {
        '@id': TROVI_FILE,
        '@type': 'CreativeWork',
        conformsTo: { '@id': CONFORMS_TO },
        about: { '@id': './' }
      },
      {
        '@id': './',
        '@type': 'Dataset',
        name: form.name.trim(),
        disambiguatingDescription: form.shortDescription.trim(),
        description: form.description.trim(),
        keywords: troviKeywords(form.keywords).join(','),
        author: people.map(person => ({ '@id': person['@id'] })),
        actionApplication: [{ '@id': APPLICATION_ID }]
      },
      ...people,
      {
        '@id': APPLICATION_ID,
        '@type': 'SoftwareApplication',
        name: 'Chameleon JupyterLab',
        url: 'https://jupyter.chameleoncloud.org/',
        trovi_type: 'jupyterhub',
        trovi_arguments: '{}'
      }
    ]
  };
}

/**
 * The form an existing `trovi.json` describes, or null when it is no
 * RO-Crate with a root dataset. Authors may be referenced (`{"@id": …}`)
 * or written inline; keywords may be a comma-separated text or a list.
 */
export function readTroviCrate(value: unknown): ITroviForm | null {
  if (!isObject(value) || !Array.isArray(value['@graph'])) {
    return null;
  }
  const entities = new Map<string, { [key: string]: unknown }>();
  for (const entity of value['@graph'].slice(0, MAX_ITEMS * 2)) {
    if (isObject(entity) && typeof entity['@id'] === 'string') {
      entities.set(entity['@id'], entity);
    }
  }
  const root = entities.get('./');
  if (!root) {
    return null;
  }
  const rawKeywords = root.keywords;
  const keywords =
    typeof rawKeywords === 'string'
      ? rawKeywords.slice(0, MAX_TEXT).split(',')
      : Array.isArray(rawKeywords)
        ? rawKeywords.slice(0, MAX_ITEMS).filter(Private.isText)
        : [];
  const rawAuthors = root.author;
  const authorList = Array.isArray(rawAuthors)
    ? rawAuthors.slice(0, MAX_ITEMS)
    : rawAuthors === undefined
      ? []
      : [rawAuthors];
  const authors = authorList
    .map(entry => {
      const person =
        isObject(entry) && typeof entry['@id'] === 'string'
          ? (entities.get(entry['@id']) ?? entry)
          : entry;
      return isObject(person)
        ? {
            name: Private.text(person.name),
            affiliation: Private.affiliation(person.affiliation, entities),
            email: Private.text(person.email)
          }
        : null;
    })
    .filter((author): author is ITroviAuthor => author !== null);
  return {
    name: Private.text(root.name),
    shortDescription: Private.text(root.disambiguatingDescription),
    description: Private.text(root.description),
    keywords: troviKeywords(keywords.slice(0, MAX_ITEMS)),
    authors
  };
}

namespace Private {
  export function isText(value: unknown): value is string {
    return typeof value === 'string';
  }

  export function text(value: unknown): string {
    return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
  }

  /** A text, or an organization (`{"@id": …}` or inline) with a name. */
  export function affiliation(
    value: unknown,
    entities: Map<string, { [key: string]: unknown }>
  ): string {
    if (isObject(value)) {
      const organization =
        typeof value['@id'] === 'string'
          ? (entities.get(value['@id']) ?? value)
          : value;
      return text(organization.name);
    }
    return text(value);
  }
}
