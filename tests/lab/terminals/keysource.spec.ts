import { nullTranslator } from '@jupyterlab/translation';
import {
  notSavedMessage,
  persistenceNote,
  readPersistence
} from '../../../src/lab/persistence';
import { keyLine, readPresetKey } from '../../../src/core/terminals/keysource';
import { labTopology } from '../../../src/core/terminals/topology';

const trans = nullTranslator.load('jupyterlab_testbed');
const CHAMELEON = { preset: 'chameleon' as const, keyFile: '' };
const NAMED = {
  path: '/work/.ssh/id_rsa',
  source: 'environment',
  variable: 'OS_KEYPAIR_PRIVATE_KEY',
  problem: null
};

describe('the chameleon preset’s key', () => {
  it('names the key Chameleon generated and the variable that says so', () => {
    expect(keyLine(CHAMELEON, readPresetKey(NAMED), trans)).toEqual({
      path: '/work/.ssh/id_rsa',
      text: 'Key: /work/.ssh/id_rsa, Chameleon’s key for this server ($OS_KEYPAIR_PRIVATE_KEY)',
      problem: null
    });
  });

  it('falls back to the key labs document, with the server’s advice', () => {
    const documented = {
      ...NAMED,
      path: '~/.ssh/id_rsa_chameleon',
      source: 'documented',
      problem: 'No key at ~/.ssh/id_rsa_chameleon.'
    };
    const line = keyLine(CHAMELEON, readPresetKey(documented), trans);
    expect(line?.text).toBe(
      'Key: ~/.ssh/id_rsa_chameleon, the key Chameleon labs document'
    );
    expect(line?.problem).toBe('No key at ~/.ssh/id_rsa_chameleon.');
  });

  it('lets the student’s own key file win', () => {
    const own = { preset: 'chameleon' as const, keyFile: ' ~/.ssh/mine ' };
    expect(keyLine(own, readPresetKey(NAMED), trans)?.text).toBe(
      'Key: ~/.ssh/mine, your key file setting'
    );
  });

  it('says nothing when another layout’s nodes name their keys', () => {
    expect(keyLine({ preset: 'direct', keyFile: '' }, null, trans)).toBeNull();
  });

  it('puts the server’s key into the preset’s nodes, the student’s key over it', () => {
    const settings = {
      preset: 'chameleon' as const,
      nodes: [],
      keyFile: '',
      user: ''
    };
    const values = { floatingIp: '129.114.25.134' };
    const named = labTopology(settings, null, values, [], '/work/.ssh/id_rsa');
    expect(named.ok && named.nodes.map(n => n.identityFile)).toEqual([
      '/work/.ssh/id_rsa',
      '/work/.ssh/id_rsa',
      '/work/.ssh/id_rsa'
    ]);
    const own = labTopology(
      { ...settings, keyFile: '~/.ssh/mine' },
      null,
      values,
      [],
      '/work/.ssh/id_rsa'
    );
    expect(own.ok && own.nodes[0].identityFile).toBe('~/.ssh/mine');
  });

  it('ignores a reply of the wrong shape', () => {
    expect(readPresetKey({ ...NAMED, source: 'notebook' })).toBeNull();
    expect(readPresetKey({ ...NAMED, path: 42 })).toBeNull();
    expect(readPresetKey('/work/.ssh/id_rsa')).toBeNull();
  });
});

describe('what a restart keeps', () => {
  const KEPT = {
    workDir: '/work',
    folder: '/work/.jupyterlab-testbed',
    persisted: true,
    variable: 'JUPYTERLAB_TESTBED_WORK_DIR',
    problem: null
  };

  it('says nothing while values persist', () => {
    expect(persistenceNote(readPersistence(KEPT), trans)).toBeNull();
  });

  it('says once that nothing persists without a work folder', () => {
    const none = { ...KEPT, workDir: '', folder: null, persisted: false };
    const note = persistenceNote(readPersistence(none), trans);
    expect(note?.kind).toBe('info');
    expect(note?.text).toMatch(/^No work folder on this server/);
    expect(note?.text).toContain('$JUPYTERLAB_TESTBED_WORK_DIR');
  });

  it('shows the server’s reason when the work folder cannot be used', () => {
    const problem = 'The work folder /work is not writable: …';
    const status = readPersistence({ ...KEPT, persisted: false, problem });
    expect(persistenceNote(status, trans)).toEqual({
      text: problem,
      kind: 'warning'
    });
  });

  it('says why a value was not saved, the server’s reason first', () => {
    const full = readPersistence({
      ...KEPT,
      problem: 'The work folder /work is full.'
    });
    expect(notSavedMessage(full, new Error('Unhandled error'), trans)).toMatch(
      /^Not saved: The work folder \/work is full\. Your values stay in this form/
    );
    expect(notSavedMessage(null, new Error('Unhandled error'), trans)).toMatch(
      /^Not saved: Unhandled error /
    );
  });

  it('ignores a reply of the wrong shape', () => {
    expect(readPersistence({ ...KEPT, persisted: 'yes' })).toBeNull();
    expect(readPersistence({ ...KEPT, problem: 3 })).toBeNull();
    expect(readPersistence(null)).toBeNull();
  });
});
