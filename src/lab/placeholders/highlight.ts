/**
 * Unfilled tokens highlighted in code cell editors, so a student sees at a
 * glance what still needs a value before running a cell.
 */
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';
import { StateEffect } from '@codemirror/state';
import {
  Decoration,
  DecorationSet,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  ViewUpdate
} from '@codemirror/view';
import { tokenPattern } from '../../core/placeholders/engine';

const refresh = StateEffect.define<null>();
const mark = Decoration.mark({ class: 'jp-testbed-UnfilledToken' });

/** The tokens to highlight, shared by every editor it was added to. */
export class TokenHighlighter {
  /** Highlight these tokens in every code cell editor. */
  setTokens(tokens: string[]): void {
    const key = [...tokens].sort().join('\n');
    if (key === this._key) {
      return;
    }
    this._key = key;
    const pattern = tokenPattern(tokens);
    this._decorator = pattern
      ? new MatchDecorator({ regexp: pattern, decoration: mark })
      : null;
    this._views.forEach(view => view.dispatch({ effects: refresh.of(null) }));
  }

  /** Register the editor extension (code cells only). */
  register(registry: IEditorExtensionRegistry): void {
    registry.addExtension({
      name: 'jupyterlab-testbed:unfilled-tokens',
      factory: options =>
        (options.model.sharedModel as { cell_type?: string }).cell_type ===
        'code'
          ? EditorExtensionRegistry.createImmutableExtension(this._plugin)
          : null
    });
  }

  private _createPlugin() {
    // The plugin's class has a `this` of its own.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const highlighter = this;
    return ViewPlugin.fromClass(
      class {
        decorations: DecorationSet;
        constructor(private _view: EditorView) {
          highlighter._views.add(_view);
          this.decorations = highlighter._build(_view);
        }
        update(update: ViewUpdate) {
          const refreshed = update.transactions.some(t =>
            t.effects.some(e => e.is(refresh))
          );
          const decorator = highlighter._decorator;
          if (refreshed || !decorator) {
            this.decorations = highlighter._build(update.view);
          } else if (update.docChanged || update.viewportChanged) {
            this.decorations = decorator.updateDeco(update, this.decorations);
          }
        }
        destroy() {
          highlighter._views.delete(this._view);
        }
      },
      { decorations: plugin => plugin.decorations }
    );
  }

  private _build(view: EditorView): DecorationSet {
    return this._decorator?.createDeco(view) ?? Decoration.none;
  }

  private _plugin = this._createPlugin();
  private _key = '';
  private _decorator: MatchDecorator | null = null;
  private _views = new Set<EditorView>();
}
