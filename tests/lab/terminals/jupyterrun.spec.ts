import { nullTranslator } from '@jupyterlab/translation';
import { Title } from '@lumino/widgets';
import {
  compileMarkers,
  DEFAULT_MARKERS
} from '../../../src/core/terminals/markers';
import {
  JUPYTER_RUN_CLASS,
  jupyterTerminalName,
  labName,
  runInJupyterTerminal,
  runsInJupyter,
  showJupyterRun
} from '../../../src/lab/terminals/jupyterrun';
import type { NodeTerminals } from '../../../src/lab/terminals/manager';

const trans = nullTranslator.load('jupyterlab_testbed');
const { patterns } = compileMarkers(DEFAULT_MARKERS);

/** A NodeTerminals whose one terminal records what is typed into it. */
function fakeTerminals(created: boolean) {
  const sent: string[] = [];
  const shown: { name: string; cwd: string }[] = [];
  const content = {
    title: new Title({ owner: null }),
    session: {
      name: 'x_jupyter',
      send: (message: { content: string[] }) => sent.push(...message.content)
    }
  };
  const terminals = {
    showShell: async (name: string, cwd: string) => {
      shown.push({ name, cwd });
      return { widget: { content }, created };
    }
  } as unknown as NodeTerminals;
  return { terminals, sent, shown, content };
}

const OPTIONS = { interrupt: true, bracketedPaste: true };

describe('Run in a Jupyter terminal', () => {
  it('is offered for blocks whose where-it-runs line names the Jupyter side', () => {
    const yes = [
      '# runs in Chameleon Jupyter environment\nopenstack server list',
      '# run in *Jupyter*\nls',
      '# run on this server\nls'
    ];
    const no = [
      '# runs in your local terminal\nssh -L 8443:127.0.0.1:8443 cc@A.B.C.D',
      '# run on node1\nls',
      'ls\n# run in Jupyter',
      '# run in Jupyter on my laptop\nls',
      'echo jupyter'
    ];
    yes.forEach(text => expect(runsInJupyter(text, patterns)).toBe(true));
    no.forEach(text => expect(runsInJupyter(text, patterns)).toBe(false));
  });

  it('names the terminal for the lab: its folder, or the notebook at the root', () => {
    expect(labName('labs/mlops/1_intro.ipynb')).toBe('mlops');
    expect(labName('intro.ipynb')).toBe('intro');
    expect(jupyterTerminalName('labs/mlops/1_intro.ipynb')).toBe(
      'mlops_jupyter'
    );
    expect(jupyterTerminalName('intro.ipynb')).toBe('intro_jupyter');
    // The server accepts word characters only in a terminal's name.
    expect(jupyterTerminalName('my lab (v2)/x.ipynb')).toBe(
      'my_lab_v2_jupyter'
    );
    expect(jupyterTerminalName('../../etc/x.ipynb')).toBe('etc_jupyter');
    expect(jupyterTerminalName('Über/x.ipynb')).toBe('ber_jupyter');
    expect(jupyterTerminalName('日本/x.ipynb')).toBe('lab_jupyter');
    expect(jupyterTerminalName(`${'a'.repeat(500)}/x.ipynb`)).toBe(
      `${'a'.repeat(40)}_jupyter`
    );
    expect(jupyterTerminalName('a/b/c/d.ipynb')).toMatch(/^\w+$/);
  });

  it('types the block as one paste into a new terminal started in the notebook’s folder', async () => {
    const { terminals, sent, shown, content } = fakeTerminals(true);
    await runInJupyterTerminal(
      terminals,
      'labs/mlops/1_intro.ipynb',
      '# run in Jupyter\necho one\necho two\n',
      OPTIONS,
      trans
    );
    expect(shown).toEqual([{ name: 'mlops_jupyter', cwd: 'labs/mlops' }]);
    // A new shell has nothing to interrupt.
    expect(sent).toEqual([
      '\x1b[200~# run in Jupyter\necho one\necho two\x1b[201~\r'
    ]);
    expect(content.title.label).toBe('mlops (Jupyter)');
    // The terminal widget's own name, set once it connects, is replaced;
    // a title the shell sets stays.
    content.title.label = 'Terminal x_jupyter';
    expect(content.title.label).toBe('mlops (Jupyter)');
    content.title.label = 'cc@host: ~';
    expect(content.title.label).toBe('cc@host: ~');
  });

  it('interrupts what runs in a reused terminal first, when set to', async () => {
    const { terminals, sent } = fakeTerminals(false);
    await runInJupyterTerminal(terminals, 'x.ipynb', 'ls', OPTIONS, trans);
    expect(sent).toEqual(['\x03', '\x1b[200~ls\x1b[201~\r']);
    const plain = fakeTerminals(false);
    await runInJupyterTerminal(
      plain.terminals,
      'x.ipynb',
      'ls',
      { interrupt: false, bracketedPaste: false },
      trans
    );
    expect(plain.sent).toEqual(['ls\r']);
  });

  it('refuses a block with a control character before opening any terminal', async () => {
    const { terminals, sent, shown } = fakeTerminals(true);
    await expect(
      runInJupyterTerminal(
        terminals,
        'x.ipynb',
        'echo \x1b[201~ rm -rf ~',
        OPTIONS,
        trans
      )
    ).rejects.toThrow(/U\+001B/);
    expect(shown).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('puts its button first on a bar once, and takes it away', () => {
    const bar = document.createElement('div');
    const copy = document.createElement('button');
    bar.appendChild(copy);
    const make = () => {
      const button = document.createElement('button');
      button.className = JUPYTER_RUN_CLASS;
      bar.appendChild(button);
      return button;
    };
    showJupyterRun(bar, true, make);
    showJupyterRun(bar, true, make);
    expect(bar.children).toHaveLength(2);
    expect(bar.firstElementChild!.className).toBe(JUPYTER_RUN_CLASS);
    showJupyterRun(bar, false, make);
    expect(Array.from(bar.children)).toEqual([copy]);
  });
});
