/**
 * The kernels' execute replies, kept briefly by the request they answer.
 *
 * JupyterLab sets a cell's execution count only once the reply is in, and
 * tells `NotebookActions.executed` later still. The recorder reads the reply
 * here to write a run's record at the count's own moment (see recorder.ts).
 * A kernel connection emits every message it receives before it handles it,
 * so the reply is here before the count is set.
 */
import type { IDisposable } from '@lumino/disposable';
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** What a record needs of a reply, and nothing more of it is kept. */
export interface IExecuteReply {
  status: string;
  count: unknown;
  ename: unknown;
  evalue: unknown;
}

/**
 * A reply waits only until its cell's count is set, a moment later. Some
 * are never taken (a request aborted after an error, cancelled by a restart,
 * or sent by another extension on the same connection), so the oldest are
 * dropped past this many.
 */
const MAX_REPLIES = 64;

export class ExecuteReplies implements IDisposable {
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const kernel of this._kernels) {
      kernel.anyMessage.disconnect(this._onMessage, this);
      kernel.disposed.disconnect(this._onKernelDisposed, this);
    }
    this._kernels.clear();
    this._replies.clear();
  }

  /** Keep the replies this kernel connection receives from now on. */
  watch(kernel: Kernel.IKernelConnection): void {
    if (this._isDisposed || this._kernels.has(kernel)) {
      return;
    }
    this._kernels.add(kernel);
    kernel.anyMessage.connect(this._onMessage, this);
    kernel.disposed.connect(this._onKernelDisposed, this);
  }

  /** The reply to a request, once: it is forgotten when taken. */
  take(requestId: string): IExecuteReply | null {
    const reply = this._replies.get(requestId) ?? null;
    this._replies.delete(requestId);
    return reply;
  }

  private _onKernelDisposed(kernel: Kernel.IKernelConnection): void {
    kernel.anyMessage.disconnect(this._onMessage, this);
    kernel.disposed.disconnect(this._onKernelDisposed, this);
    this._kernels.delete(kernel);
  }

  private _onMessage(
    _: Kernel.IKernelConnection,
    args: Kernel.IAnyMessageArgs
  ): void {
    const msg = args.msg as KernelMessage.IMessage;
    const requestId = (msg.parent_header as { msg_id?: unknown } | undefined)
      ?.msg_id;
    const content = msg.content as
      | {
          status?: unknown;
          execution_count?: unknown;
          ename?: unknown;
          evalue?: unknown;
        }
      | undefined;
    if (
      args.direction !== 'recv' ||
      msg.header?.msg_type !== 'execute_reply' ||
      typeof requestId !== 'string' ||
      typeof content?.status !== 'string'
    ) {
      return;
    }
    this._replies.delete(requestId);
    this._replies.set(requestId, {
      status: content.status,
      count: content.execution_count,
      ename: content.ename,
      evalue: content.evalue
    });
    if (this._replies.size > MAX_REPLIES) {
      this._replies.delete(this._replies.keys().next().value!);
    }
  }

  private _isDisposed = false;
  private _kernels = new Set<Kernel.IKernelConnection>();
  private _replies = new Map<string, IExecuteReply>();
}
