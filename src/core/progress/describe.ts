/**
 * Words and symbols for step statuses, shared by the sidebar and the
 * notebook decorations.
 */
import type { ITrans } from '../i18n';
import { firstRun, ITick } from '../metadata/format';
import { describeEnd } from '../terminals/shellmarks';
import type { IStep, StepStatus } from './outline';

const SYMBOLS: { [status in StepStatus]: string } = {
  todo: '○',
  ok: '✓',
  ticked: '✓',
  error: '✗',
  changed: '◐'
};

export function stepSymbol(status: StepStatus): string {
  return SYMBOLS[status];
}

export function statusLabel(status: StepStatus, trans: ITrans): string {
  switch (status) {
    case 'ok':
      return trans.__('ran without error');
    case 'ticked':
      return trans.__('done');
    case 'error':
      return trans.__('failed');
    case 'changed':
      return trans.__('edited since it last ran');
    default:
      return trans.__('not done yet');
  }
}

/**
 * A step's short note for its row and the full account for its tooltip.
 */
export function describeStep(
  step: IStep,
  trans: ITrans
): { meta: string; title: string } {
  const lines = [step.label, statusLabel(step.status, trans)];
  let meta = '';
  if (step.where) {
    lines.push(trans.__('runs on %1', step.where));
  }
  if (step.run) {
    const run = step.run;
    meta = step.status === 'error' ? (run.error ?? '') : shortTime(run.last);
    if (step.status === 'changed') {
      meta = trans.__('edited');
    }
    lines.push(
      trans._n('ran %1 time', 'ran %1 times', run.n),
      trans.__('first run: %1', longTime(firstRun(run))),
      trans.__(
        'last run: %1 (%2 s)',
        longTime(run.last),
        (run.ms / 1000).toFixed(1)
      )
    );
    if (run.error !== undefined) {
      lines.push(trans.__('last error: %1', run.error ?? ''));
    }
  } else if (step.tick) {
    meta = shortTime(step.tick.at);
    lines.push(
      step.tick.via === 'tick'
        ? trans.__('ticked: %1', longTime(step.tick.at))
        : trans.__('sent to %1: %2', step.tick.via, longTime(step.tick.at))
    );
    const ended = sentEnd(step.tick, trans);
    if (ended) {
      // The row has room for the gist; the whole sentence is in its title.
      meta = ended.brief;
      lines.push(ended.full);
    }
  }
  return { meta, title: lines.join('\n') };
}

/**
 * How a sent block ended, when its terminal reported it: in full (`✓ exit 0
 * in 2.1 s`, `✗ interrupted (exit 130) …`, `? ended unknown …`, `… running`)
 * and briefly for the row (`✓ exit 0`, `✗ interrupted`, `? unknown`).
 */
export function sentEnd(
  tick: ITick,
  trans: ITrans
): { full: string; brief: string } | null {
  if (tick.end === undefined) {
    return null;
  }
  const { symbol, text, brief } = describeEnd(tick.end, tick.ms, trans);
  return { full: `${symbol} ${text}`, brief: `${symbol} ${brief}` };
}

/** A stored time as the reader's clock shows it: time today, else date. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return '';
  }
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

function longTime(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : date.toLocaleString();
}
