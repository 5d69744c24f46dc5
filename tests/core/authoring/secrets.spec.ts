import * as fs from 'fs';
import * as path from 'path';
import { isLeak, lintNotebook } from '../../../src/core/authoring/lint';
import { valueKind } from '../../../src/core/authoring/secretvalue';
import {
  codeCell,
  foundIn,
  lintCells,
  markdownCell,
  ofRule
} from '../../helpers/lint';

/** A GitHub token of the right shape (nobody's). */
const GITHUB = `ghp_${'a1B2'.repeat(9)}`;
/** The built-in tokens of the Chameleon lab. */
const TOKENS = ['netID', 'CHI-XXXXXX', 'A.B.C.D', '10.56.X.Y'];

/** The secrets and demo credentials the lint finds in one line of a code cell. */
function secrets(line: string, profileValues: string[] = []): string[][] {
  return lintCells([codeCell(line)], { profileValues })
    .filter(f =>
      ['secret', 'demo-credential', 'profile-value'].includes(f.rule)
    )
    .map(f => [f.rule, f.severity]);
}

describe('placeholders for a secret', () => {
  it.each([
    'application_credential_secret: "REDACTED_…"',
    'application_credential_secret: "REDACTED_..."',
    'application_credential_id: "REDACTED"',
    'export OS_APPLICATION_CREDENTIAL_SECRET=REDACTED_APP_CRED_SECRET',
    'password: "[REDACTED]"',
    'export GITHUB_TOKEN=YOUR_TOKEN_HERE',
    'api_key="your-api-key"',
    'token: yourTokenHere',
    'export OS_PASSWORD=<password>',
    '"password": "<your app credential secret>"',
    'password: xxxx',
    'export OS_PASSWORD=XXXXXX',
    'token=xxxx-xxxx-xxxx',
    'password: "****"',
    'password="…"',
    'password: ...',
    'OS_PASSWORD=changeme',
    'POSTGRES_PASSWORD=CHANGE_ME',
    'keystore_password=changeit',
    'password: replace_me',
    'password: "TODO"',
    'export OS_PASSWORD="${OS_PASSWORD}"',
    'export OS_PASSWORD=$OS_PASSWORD',
    'password: "{{ vault_db_password }}"',
    "password: \"{{ lookup('env', 'DB_PASSWORD') }}\"",
    'password: "{% raw %}"',
    'token = "%(token)s"',
    'set PASSWORD=%DB_PASSWORD%',
    'password => "%{db_password}"',
    'password: ${{ secrets.DB_PASSWORD }}',
    'password="$USER:$PASSWORD"',
    'token=$(cat ~/.token)',
    'conn = connect(password=os.environ["PW"])',
    'login(token=getpass())',
    'export OPENAI_API_KEY="OPENAI_API_KEY"',
    'api_key: "API_KEY"',
    'password=netID',
    'export OS_PASSWORD=netID_CHI-XXXXXX',
    'api_key=sk-XXXXXXXXXXXXXXXXXXXXXXXX',
    'aws_access_key_id = "AKIAXXXXXXXXXXXXXXXX"',
    `git clone https://ghp_${'X'.repeat(36)}@github.com/x/y`
  ])('%s is no leak', line => {
    expect(secrets(line)).toEqual([]);
  });

  it('knows the lab’s declared placeholders', () => {
    const findings = lintCells(
      [codeCell('export DB_PASSWORD="db-pass-here"\ntoken=DEPLOYTOKEN9')],
      {},
      { placeholders: [{ token: 'db-pass-here' }, { token: 'DEPLOYTOKEN9' }] }
    );
    expect(ofRule(findings, 'metadata')).toEqual([]);
    expect(ofRule(findings, 'secret')).toEqual([]);
    expect(ofRule(findings, 'demo-credential')).toEqual([]);
  });
});

describe('secrets that only look like placeholders', () => {
  it.each([
    // A real value that merely contains x, or starts like a placeholder.
    'export OS_PASSWORD=x9fk2xQ',
    'password: xxxx1234',
    'application_credential_secret: "REDACTED_abcDEF123xyz"',
    'application_credential_secret: "REDACTED-Xy9kLm2QpRs8TuVw3"',
    'export OS_PASSWORD=<abcDEF123xyz>',
    'token="your_8f3kQ29xZ"',
    'password="${PW:-Tr0ub4dor&3}"',
    'password: "{{ \'x9F!k2@q\' }}"',
    "password: {{ 'x9F!k2@q' }}",
    'password=netID-x9F!k2@q',
    'password="netIDabcDEF123"',
    "password='pa$word'",
    'export OS_PASSWORD=Passw0rd',
    'password: "sEcReTlEtTeRs"'
  ])('%s is a leak', line => {
    expect(secrets(line)).toEqual([['secret', 'leak']]);
  });

  it.each([
    [`token: "<${GITHUB}>"`, 2],
    [`token=REDACTED_${GITHUB}`, 2],
    [`git clone https://REDACTED_${GITHUB}@github.com/x/y`, 1],
    [`echo "your token: ${GITHUB}"`, 2],
    ['POSTGRES_PASSWORD=AKIAIOSFODNN7EXAMPLE', 2],
    [`password: ${'glpat-'}Ab1Cd2Ef3Gh4Ij5Kl6Mn7`, 2],
    [`export OPENAI_API_KEY=sk-proj-${'Ab1'.repeat(12)}`, 2],
    [`HF_TOKEN=hf_${'aB3'.repeat(11)}`, 2],
    [`SLACK=xoxb-${'1234567890'}-abcdef`, 1]
  ])('%s (a token with a known prefix) is a leak', (line, count) => {
    const found = secrets(line as string);
    expect(found).toHaveLength(count as number);
    expect(found.every(([rule]) => rule === 'secret')).toBe(true);
  });
});

describe('demo credentials', () => {
  it.each([
    '      POSTGRES_PASSWORD: lab_demo',
    '  - MYSQL_ROOT_PASSWORD=example',
    'docker run -d -e GF_SECURITY_ADMIN_PASSWORD=admin grafana/grafana',
    'docker run -e MINIO_ROOT_PASSWORD=minioadmin minio/minio',
    '"POSTGRES_PASSWORD": "mysecretpassword"',
    '  MONGO_INITDB_ROOT_PASSWORD: "student"',
    'export DB_PASSWORD="${DB_PASSWORD:-lab_demo}"',
    'password: lab_demo',
    'curl -u admin:admin "http://127.0.0.1:3000/api?token=demo"',
    '  adminPassword: grafana',
    // No key AWS or GitHub issues is a word: the lab's own S3-compatible store's.
    '  - AWS_SECRET_ACCESS_KEY=password',
    'GITHUB_TOKEN=demo'
  ])('%s is a demo-credential warning, not a leak', line => {
    expect(secrets(line)).toEqual([['demo-credential', 'warning']]);
  });

  it('names the credential in full, with where it is', () => {
    expect(foundIn('  POSTGRES_PASSWORD: lab_demo', 'demo-credential')).toEqual(
      [
        'Cell 1, line 1: the demo credential POSTGRES_PASSWORD=lab_demo (a password of the lab’s own service, shown to students on purpose?) would be published.'
      ]
    );
  });

  it('finds them in a compose file in a markdown block and in an output, as warnings only', () => {
    const compose = [
      'Start the database:',
      '',
      '```yaml',
      'services:',
      '  db:',
      '    image: postgres:16',
      '    environment:',
      '      POSTGRES_PASSWORD: lab_demo',
      '```'
    ].join('\n');
    const findings = lintCells([
      markdownCell(compose),
      codeCell('cat compose.yaml', {
        outputs: [
          {
            output_type: 'stream',
            name: 'stdout',
            text: [
              '    environment:\n',
              '      - MYSQL_ROOT_PASSWORD=example\n'
            ]
          }
        ],
        metadata: { 'jupyterlab-testbed': { v: 1, keep: true } }
      })
    ]);
    expect(
      ofRule(findings, 'demo-credential').map(f => [f.cell, f.line, f.where])
    ).toEqual([
      [0, 8, 'source'],
      [1, null, 'output']
    ]);
    expect(isLeak(findings)).toBe(false);
  });

  it.each([
    // Accounts whose passwords people choose are never a demo, whatever the value.
    'export OS_PASSWORD=admin',
    'export OS_APPLICATION_CREDENTIAL_SECRET=labdemo',
    'application_credential_secret: example',
    'SSH_PASSWORD=student',
    'DOCKERHUB_PASSWORD=example',
    // A generated-looking value is a leak for any service.
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    // A value that looks generated, or like a student's net ID.
    'POSTGRES_PASSWORD: kqzxvbnmwptr',
    'POSTGRES_PASSWORD: Xy9_kLm2-QpRs8TuVw3',
    'POSTGRES_PASSWORD: ff524',
    'POSTGRES_PASSWORD=correcthorsebatterystapleforever',
    // A bare name with a value that does not say it is a demo.
    'password: "hunter2"'
  ])('%s is still a leak', line => {
    expect(secrets(line)).toEqual([['secret', 'leak']]);
  });

  it('is a leak when the value is one of the author’s own', () => {
    expect(secrets('POSTGRES_PASSWORD: labowner', ['labowner'])).toEqual([
      ['profile-value', 'leak']
    ]);
  });

  it('leaves a private key a leak beside a demo password', () => {
    const findings = lintCells([
      codeCell(
        'POSTGRES_PASSWORD=lab_demo\n-----BEGIN OPENSSH PRIVATE KEY-----'
      )
    ]);
    expect(findings.map(f => [f.rule, f.severity])).toEqual([
      ['demo-credential', 'warning'],
      ['private-key', 'leak']
    ]);
  });
});

describe('what a value is', () => {
  it.each([
    ['', 'placeholder'],
    ['null', 'placeholder'],
    ['REDACTED_…', 'placeholder'],
    ['<password>', 'placeholder'],
    ['${PW}', 'placeholder'],
    ['CHI-XXXXXX', 'placeholder'],
    ['{', 'placeholder'],
    ['lab_demo', 'word'],
    ['hunter2', 'word'],
    ['${PW:-lab_demo}', 'word'],
    ['ff524', 'secret'],
    ['admin123', 'secret'],
    ['kqzxvbnm', 'secret'],
    [`<${GITHUB}>`, 'secret'],
    ['${PW:-x9F!k2}', 'secret']
  ])('“%s” is a %s', (value, kind) => {
    expect(valueKind(value, TOKENS)).toBe(kind);
  });

  it('ignores declared tokens shorter than 3 characters', () => {
    expect(valueKind('s3cr3tX', ['s', '3'])).toBe('secret');
  });

  it('reads hostile values in linear time', () => {
    const long = [
      '${'.repeat(5000),
      '{{'.repeat(5000),
      'a_'.repeat(5000),
      'aB'.repeat(5000),
      `${'x'.repeat(10000)}1`
    ];
    const start = Date.now();
    for (const value of long) {
      valueKind(value, TOKENS);
      secrets(`password="${value}"`);
      secrets(`PASSWORD=${value}`);
    }
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe('adversarial/small-placeholder-disguise.ipynb', () => {
  const file = path.resolve(
    __dirname,
    '../../../adversarial/small-placeholder-disguise.ipynb'
  );
  const notebook = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const findings = lintNotebook(notebook, 'small-placeholder-disguise.ipynb', {
    profileValues: []
  });

  it('reports every secret dressed as a placeholder or a demo password as a leak', () => {
    const lines = (notebook.cells[1].source as string[]).length;
    const leaking = new Set(
      findings
        .filter(f => f.cell === 1 && f.severity === 'leak')
        .map(f => f.line)
    );
    expect(lines).toBe(15);
    expect([...leaking].sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: lines }, (_, i) => i + 1)
    );
    expect(ofRule(findings, 'demo-credential')).toEqual([]);
  });

  it('never quotes one of them whole, as a secret or as a token', () => {
    const said = findings.map(f => f.message).join('\n');
    for (const part of [
      'k3Zqk3Zq',
      '8f3kQ29xZ',
      '9f8KQ2',
      'Tr0ub4dor',
      'x9F!k2',
      'Xy9kLm2Qp',
      'sXkQzTw',
      's3cr3tXs'
    ]) {
      expect({ part, said: said.includes(part) }).toEqual({
        part,
        said: false
      });
    }
  });
});
