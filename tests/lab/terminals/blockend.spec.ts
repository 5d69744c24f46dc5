import { Signal } from '@lumino/signaling';
import type { IBlockEnd } from '../../../src/core/terminals/shellmarks';
import { BlockEnds } from '../../../src/lab/terminals/blockend';
import type { NodeTerminals } from '../../../src/lab/terminals/manager';

const C = '\x1b]133;C\x07';
const D = (status: number) => `\x1b]133;D;${status}\x07`;

/** A terminal session that says what the test makes it say. */
function fakeSession(name: string) {
  // The signals' sender is the session, as a terminal connection's are.
  const session: any = { name };
  session.messageReceived = new Signal<any, any>(session);
  session.disposed = new Signal<any, void>(session);
  session.connectionStatusChanged = new Signal<any, string>(session);
  return {
    session,
    say: (text: string) =>
      session.messageReceived.emit({ type: 'stdout', content: [text] }),
    close: () => session.disposed.emit()
  };
}

function fakeTerminals() {
  const states = new Map<string, string>();
  const changed = new Signal<any, void>({});
  return {
    terminals: {
      changed,
      state: (name: string) => states.get(name) ?? 'connected'
    } as unknown as NodeTerminals,
    sshEnded: (name: string) => {
      states.set(name, 'ended');
      changed.emit();
    }
  };
}

describe('following sent blocks to their end', () => {
  it('reports running, then the status, then nothing for later commands', () => {
    const { terminals } = fakeTerminals();
    const ends = new BlockEnds(terminals);
    const node1 = fakeSession('node1');
    const reports: IBlockEnd[] = [];
    ends.follow(node1.session, true, end => reports.push(end));
    node1.say(`${D(0)}$ `); // the prompt before: not this block's end
    node1.say(`${C}out\r\n`);
    node1.say(`${C}more\r\n${D(1)}$ `);
    node1.say(`${C}${D(0)}`);
    expect(reports.map(r => r.end)).toEqual(['running', 1]);
    expect(typeof reports[1].ms).toBe('number');
    ends.dispose();
  });

  it('says unknown when ssh, the terminal or its connection ends first, or another block is sent', () => {
    const { terminals, sshEnded } = fakeTerminals();
    const ends = new BlockEnds(terminals);
    const follow = (name: string, overSsh = true) => {
      const fake = fakeSession(name);
      const reports: IBlockEnd[] = [];
      ends.follow(fake.session, overSsh, end => reports.push(end));
      fake.say(C);
      return { fake, reports };
    };
    const viaSsh = follow('node1');
    sshEnded('node1');
    expect(viaSsh.reports.map(r => r.end)).toEqual(['running', 'unknown']);

    // The Jupyter terminal runs no ssh: the servers' view of ssh is no end.
    const jupyter = follow('lab_jupyter', false);
    sshEnded('lab_jupyter');
    expect(jupyter.reports.map(r => r.end)).toEqual(['running']);
    jupyter.fake.close();
    expect(jupyter.reports.map(r => r.end)).toEqual(['running', 'unknown']);

    const replaced = follow('node2');
    const next: IBlockEnd[] = [];
    ends.follow(replaced.fake.session, true, end => next.push(end));
    expect(replaced.reports.map(r => r.end)).toEqual(['running', 'unknown']);
    replaced.fake.say(`${C}${D(0)}`);
    expect(next.map(r => r.end)).toEqual(['running', 0]);
    ends.dispose();
  });

  it('reports nothing for a shell that writes no marks (the tick stays “sent”)', () => {
    const { terminals } = fakeTerminals();
    const ends = new BlockEnds(terminals);
    const plain = fakeSession('node3');
    const reports: IBlockEnd[] = [];
    ends.follow(plain.session, true, end => reports.push(end));
    plain.say('$ ls\r\nfile\r\n$ ');
    plain.close();
    expect(reports).toEqual([]);
    ends.dispose();
  });
});
