import { detectLayout, IFileEntry } from '../../../src/core/grading/layout';

function files(...paths: string[]): IFileEntry[] {
  return paths.map(path => ({ path, size: 100, modified: null }));
}

/** `student | notebook` of each submission, in order. */
function pairs(paths: string[]): string[] {
  return detectLayout(files(...paths)).submissions.map(
    s => `${s.student} | ${s.notebook}`
  );
}

describe('detectLayout', () => {
  it('reads one folder per student, notebooks below it by their path', () => {
    const layout = detectLayout(
      files(
        'bob/1_provision_cli.ipynb',
        'alice/labs/2_network.ipynb',
        'alice/1_provision_cli.ipynb',
        'alice/.ipynb_checkpoints/1_provision_cli-checkpoint.ipynb',
        'alice/.secret/x.ipynb',
        '.DS_Store',
        'alice/notes.txt'
      )
    );
    expect(layout.kind).toBe('per-student');
    expect(
      layout.submissions.map(s => [s.student, s.notebook, s.path])
    ).toEqual([
      ['alice', '1_provision_cli', 'alice/1_provision_cli.ipynb'],
      ['alice', 'labs/2_network', 'alice/labs/2_network.ipynb'],
      ['bob', '1_provision_cli', 'bob/1_provision_cli.ipynb']
    ]);
    expect(layout.ignored).toEqual([
      {
        path: 'alice/.ipynb_checkpoints/1_provision_cli-checkpoint.ipynb',
        reason: 'a checkpoint copy'
      },
      { path: 'alice/.secret/x.ipynb', reason: 'hidden' },
      { path: '.DS_Store', reason: 'hidden' },
      { path: 'alice/notes.txt', reason: 'not a notebook' }
    ]);
  });

  it('keeps sizes and save times with each submission', () => {
    const layout = detectLayout([
      { path: 'alice/lab.ipynb', size: 42, modified: '2026-03-02T10:00:00Z' }
    ]);
    expect(layout.submissions[0]).toEqual({
      path: 'alice/lab.ipynb',
      size: 42,
      modified: '2026-03-02T10:00:00Z',
      student: 'alice',
      notebook: 'lab'
    });
  });

  it('reads an nbgrader course folder, only under submitted/', () => {
    const layout = detectLayout(
      files(
        'submitted/bob/lab1/1_provision_cli.ipynb',
        'submitted/alice/lab1/1_provision_cli.ipynb',
        'submitted/alice/lab1/timestamp.txt',
        'submitted/alice/lab2/intro.ipynb',
        'source/lab1/1_provision_cli.ipynb',
        'autograded/alice/lab1/1_provision_cli.ipynb',
        'gradebook.db'
      )
    );
    expect(layout.kind).toBe('nbgrader');
    expect(layout.submissions.map(s => `${s.student} | ${s.notebook}`)).toEqual(
      [
        'alice | lab1/1_provision_cli',
        'alice | lab2/intro',
        'bob | lab1/1_provision_cli'
      ]
    );
    expect(layout.ignored.map(i => i.path).sort()).toEqual([
      'autograded/alice/lab1/1_provision_cli.ipynb',
      'gradebook.db',
      'source/lab1/1_provision_cli.ipynb',
      'submitted/alice/lab1/timestamp.txt'
    ]);
  });

  it('reads the submitted/ folder of nbgrader itself', () => {
    const layout = detectLayout(
      files('alice/lab1/1_a.ipynb', 'bob/lab1/1_a.ipynb', 'bob/lab1/2_b.ipynb')
    );
    expect(layout.kind).toBe('nbgrader');
    expect(layout.submissions.map(s => s.notebook)).toEqual([
      'lab1/1_a',
      'lab1/1_a',
      'lab1/2_b'
    ]);
  });

  it('splits flat downloads at the longest tail other students share', () => {
    expect(
      pairs([
        'smithjane_1_provision_cli.ipynb',
        'doejohn_1_provision_cli.ipynb',
        'smithjane_2_configure_network.ipynb',
        'doejohn_2_configure_network.ipynb'
      ])
    ).toEqual([
      'doejohn | 1_provision_cli',
      'doejohn | 2_configure_network',
      'smithjane | 1_provision_cli',
      'smithjane | 2_configure_network'
    ]);
    expect(detectLayout(files('a_x.ipynb', 'b_x.ipynb')).kind).toBe('flat');
  });

  it('groups a course site’s downloads by student, whatever the submission id', () => {
    expect(
      pairs([
        'smithjane_12345_67890_1_provision_cli.ipynb',
        'smithjane_LATE_12345_67999_2_configure_network.ipynb',
        'doejohn_22222_67891_1_provision_cli.ipynb',
        'doejohn_22222_67892_2_configure_network.ipynb'
      ])
    ).toEqual([
      'doejohn_22222 | 1_provision_cli',
      'doejohn_22222 | 2_configure_network',
      'smithjane_12345 | 1_provision_cli',
      'smithjane_12345 | 2_configure_network'
    ]);
  });

  it('does not take a tail shared by one student’s own files for a notebook', () => {
    // Both end in `_lab`, but only alice's files do.
    expect(pairs(['alice_1_lab.ipynb', 'alice_2_lab.ipynb'])).toEqual([
      'alice | 1_lab',
      'alice | 2_lab'
    ]);
  });

  it('makes a name without an underscore its own student', () => {
    expect(pairs(['lab.ipynb', 'alice_2_x.ipynb', '_y.ipynb'])).toEqual([
      '_y | _y',
      'alice | 2_x',
      'lab | lab'
    ]);
  });

  it('orders notebooks as a lab does: 2 before 10', () => {
    expect(
      pairs(['alice/10_clean_up.ipynb', 'alice/2_setup.ipynb']).map(
        p => p.split(' | ')[1]
      )
    ).toEqual(['2_setup', '10_clean_up']);
  });

  it('goes with the majority when notebooks are both in folders and at the top', () => {
    const nested = detectLayout(
      files('alice/lab.ipynb', 'bob/lab.ipynb', 'stray.ipynb')
    );
    expect(nested.kind).toBe('per-student');
    expect(nested.ignored).toEqual([
      { path: 'stray.ipynb', reason: 'not in a student folder' }
    ]);
    const flat = detectLayout(
      files('alice_lab.ipynb', 'bob_lab.ipynb', 'extra/lab.ipynb')
    );
    expect(flat.kind).toBe('flat');
    expect(flat.ignored.map(i => i.path)).toEqual(['extra/lab.ipynb']);
  });

  it('says a folder without notebooks is empty', () => {
    expect(detectLayout([])).toEqual({
      kind: 'empty',
      submissions: [],
      ignored: []
    });
    const layout = detectLayout(files('README.md', 'alice/notes.txt'));
    expect(layout.kind).toBe('empty');
    expect(layout.ignored).toHaveLength(2);
  });

  it('keeps untrusted names as they are, for views to show as text', () => {
    const name = "=cmd|' -C calc'!A0 <b>x";
    const layout = detectLayout(files(`${name}/lab.ipynb`, 'bob/lab.ipynb'));
    expect(layout.submissions.map(s => s.student)).toContain(name);
  });
});
