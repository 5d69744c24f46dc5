/**
 * Follows a block sent to a terminal until its shell reports how it ended
 * (shellmarks.ts reads the marks from the session's output): `running` at
 * its first command, then its exit status; `unknown` when the terminal, or
 * the ssh in it, ends first, or when another block is sent to the same
 * terminal before it ended. A shell that writes no marks reports nothing:
 * the tick stays "sent".
 */
import type { Terminal } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import {
  BlockEndWatch,
  IBlockEnd,
  ShellMarkReader
} from '../../core/terminals/shellmarks';
import type { NodeTerminals } from './manager';

type Session = Terminal.ITerminalConnection;

interface IFollowed {
  watch: BlockEndWatch;
  report: (end: IBlockEnd) => void;
  /** Whether the block runs over ssh: ended ssh is then its end. */
  overSsh: boolean;
}

export class BlockEnds implements IDisposable {
  constructor(terminals: NodeTerminals) {
    this._terminals = terminals;
    terminals.changed.connect(this._onTerminalsChanged, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Follow the block just typed into `session` (call it before anything
   * else runs: the marks come with the session's next messages).
   */
  follow(
    session: Session,
    overSsh: boolean,
    report: (end: IBlockEnd) => void
  ): void {
    if (this._isDisposed) {
      return;
    }
    this._end(session, this._followed.get(session)?.watch.lost() ?? null);
    this._followed.set(session, {
      watch: new BlockEndWatch(),
      report,
      overSsh
    });
    if (!this._readers.has(session)) {
      this._readers.set(session, new ShellMarkReader());
      session.messageReceived.connect(this._onMessage, this);
      session.disposed.connect(this._onDisposed, this);
      session.connectionStatusChanged.connect((_, status) => {
        if (status === 'disconnected') {
          this._onLost(session);
        }
      }, this);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    // Every connection above was made with this as its receiver.
    Signal.clearData(this);
    this._readers.clear();
    this._followed.clear();
  }

  private _onMessage(session: Session, message: Terminal.IMessage): void {
    if (message.type !== 'stdout') {
      return;
    }
    // Read every chunk, followed or not: a mark may span two.
    const marks =
      this._readers.get(session)?.read(String(message.content?.[0] ?? '')) ??
      [];
    for (const mark of marks) {
      const followed = this._followed.get(session);
      this._end(session, followed?.watch.mark(mark, Date.now()) ?? null);
    }
  }

  private _onLost(session: Session): void {
    this._end(session, this._followed.get(session)?.watch.lost() ?? null);
    this._followed.delete(session);
  }

  /** A closed terminal: its block's end is unknown, and its reader goes. */
  private _onDisposed(session: Session): void {
    this._onLost(session);
    this._readers.delete(session);
  }

  /** ssh ended in a node's terminal: its block's end is unknown. */
  private _onTerminalsChanged(): void {
    this._followed.forEach((followed, session) => {
      if (
        followed.overSsh &&
        this._terminals.state(session.name) !== 'connected'
      ) {
        this._onLost(session);
      }
    });
  }

  /** Report a state; an end also stops following. */
  private _end(session: Session, state: IBlockEnd | null): void {
    const followed = this._followed.get(session);
    if (!state || !followed) {
      return;
    }
    if (state.end !== 'running') {
      this._followed.delete(session);
    }
    followed.report(state);
  }

  private _terminals: NodeTerminals;
  private _readers = new Map<Session, ShellMarkReader>();
  private _followed = new Map<Session, IFollowed>();
  private _isDisposed = false;
}
