import {
  checkTroviForm,
  ITroviForm,
  readTroviCrate,
  troviCrate,
  troviKeywords,
  TROVI_FILE
} from '../../../src/core/authoring/trovi';

const FORM: ITroviForm = {
  name: 'Cloud computing on Chameleon',
  shortDescription: 'From VMs to Kubernetes, one layer at a time.',
  description: 'Provision VMs, run **Docker**, then Kubernetes.',
  keywords: [' cloud ', 'kubernetes', '', 'cloud', 'docker, education'],
  authors: [
    { name: 'Ada Author', affiliation: 'NYU', email: 'ada@nyu.edu' },
    { name: '  ', affiliation: 'nobody', email: '' },
    { name: 'Bo Second', affiliation: '', email: '' }
  ]
};

describe('troviCrate', () => {
  it('writes the RO-Crate 1.1 shape trovi artifact generate writes', () => {
    expect(TROVI_FILE).toBe('trovi.json');
    expect(troviCrate(FORM)).toEqual({
      '@context': 'https://w3id.org/ro/crate/1.1/context',
      '@graph': [
        {
          '@id': 'trovi.json',
          '@type': 'CreativeWork',
          conformsTo: { '@id': 'https://w3id.org/ro/crate/1.1' },
          about: { '@id': './' }
        },
        {
          '@id': './',
          '@type': 'Dataset',
          name: 'Cloud computing on Chameleon',
          disambiguatingDescription:
            'From VMs to Kubernetes, one layer at a time.',
          description: 'Provision VMs, run **Docker**, then Kubernetes.',
          keywords: 'cloud,kubernetes,docker,education',
          author: [{ '@id': '#author_0' }, { '@id': '#author_1' }],
          actionApplication: [{ '@id': '#ChameleonJupyterLab' }]
        },
        {
          '@id': '#author_0',
          '@type': 'Person',
          name: 'Ada Author',
          affiliation: 'NYU',
          email: 'ada@nyu.edu'
        },
        {
          '@id': '#author_1',
          '@type': 'Person',
          name: 'Bo Second',
          affiliation: ''
        },
        {
          '@id': '#ChameleonJupyterLab',
          '@type': 'SoftwareApplication',
          name: 'Chameleon JupyterLab',
          url: 'https://jupyter.chameleoncloud.org/',
          trovi_type: 'jupyterhub',
          trovi_arguments: '{}'
        }
      ]
    });
  });

  it('cleans keywords: trimmed, split at commas, no empty or repeated ones', () => {
    expect(troviKeywords(['a', ' b ', 'a', ',', 'c,d', ''])).toEqual([
      'a',
      'b',
      'c',
      'd'
    ]);
  });
});

describe('checkTroviForm', () => {
  it('accepts a complete form', () => {
    expect(checkTroviForm(FORM)).toEqual([]);
  });

  it('names what is missing or too long for Trovi', () => {
    expect(
      checkTroviForm({
        ...FORM,
        name: '  ',
        shortDescription: 'x'.repeat(71),
        keywords: [' ', ','],
        authors: [{ name: '', affiliation: 'NYU', email: 'not-an-address' }]
      })
    ).toEqual([
      'The title is required.',
      'The short description has 71 characters; Trovi takes at most 70.',
      'Add at least one keyword (one of Trovi’s tags).',
      'Add at least one author with a name.',
      'The e-mail address of author 1 (“not-an-address”) is not one.'
    ]);
    expect(checkTroviForm({ ...FORM, shortDescription: '' })).toEqual([
      'The short description is required.'
    ]);
    expect(checkTroviForm({ ...FORM, authors: [] })).toEqual([
      'Add at least one author with a name.'
    ]);
    expect(
      checkTroviForm({
        ...FORM,
        name: 'n'.repeat(71),
        description: 'd'.repeat(5001),
        keywords: ['k'.repeat(33)],
        authors: [
          { name: 'a'.repeat(201), affiliation: 'b'.repeat(201), email: '' }
        ]
      })
    ).toEqual([
      'The title has 71 characters; Trovi takes at most 70.',
      'The description has 5001 characters; Trovi takes at most 5000.',
      `The keyword “${'k'.repeat(33).slice(0, 40)}” has 33 characters; Trovi takes at most 32.`,
      'The name of author 1 has 201 characters; Trovi takes at most 200.',
      'The affiliation of author 1 has 201 characters; Trovi takes at most 200.'
    ]);
    expect(
      checkTroviForm({
        ...FORM,
        name: 'n'.repeat(70),
        shortDescription: 'x'.repeat(70),
        keywords: ['k'.repeat(32)]
      })
    ).toEqual([]);
  });
});

describe('readTroviCrate', () => {
  it('reads back what troviCrate writes', () => {
    expect(readTroviCrate(troviCrate(FORM))).toEqual({
      name: FORM.name,
      shortDescription: FORM.shortDescription,
      description: FORM.description,
      keywords: ['cloud', 'kubernetes', 'docker', 'education'],
      authors: [
        { name: 'Ada Author', affiliation: 'NYU', email: 'ada@nyu.edu' },
        { name: 'Bo Second', affiliation: '', email: '' }
      ]
    });
    const text = JSON.stringify(troviCrate(FORM));
    expect(readTroviCrate(JSON.parse(text))?.name).toBe(FORM.name);
  });

  it('reads inline authors, organizations and keyword lists', () => {
    expect(
      readTroviCrate({
        '@graph': [
          {
            '@id': './',
            name: 'Lab',
            keywords: ['x', 'y', 3],
            author: {
              name: 'Ann',
              affiliation: { '@id': '#nyu' },
              email: 42
            }
          },
          { '@id': '#nyu', name: 'New York University' }
        ]
      })
    ).toEqual({
      name: 'Lab',
      shortDescription: '',
      description: '',
      keywords: ['x', 'y'],
      authors: [{ name: 'Ann', affiliation: 'New York University', email: '' }]
    });
  });

  it.each([
    null,
    'trovi',
    [],
    {},
    { '@graph': 'x' },
    { '@graph': [] },
    { '@graph': [{ '@id': 'trovi.json' }, 5, null] }
  ])('gives null for %p', value => {
    expect(readTroviCrate(value)).toBeNull();
  });
});
