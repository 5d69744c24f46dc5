/**
 * The placeholders' state for the whole app: the student's stored values,
 * the server's defaults, and the options; and, per notebook, which
 * placeholders apply and which values would fill them.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { METADATA_KEY } from '../../core/metadata/format';
import { definitionsOf } from '../../core/placeholders/authored';
import {
  fillableValues,
  IStoredValues,
  resolveValues,
  Values
} from '../../core/placeholders/values';
import type { INotebookPlaceholders, IPlaceholderValues } from '../tokens';

/** What to do when a cell about to run still holds a placeholder. */
export type RunCheck = 'warn' | 'block' | 'off';

/** The options of schema/placeholders.json besides the values. */
export interface IPlaceholderOptions {
  refillOnChange: boolean;
  fillOnOpen: boolean;
  checkBeforeRun: RunCheck;
}

/**
 * The schema's defaults, until the settings load (a test holds them equal);
 * the loaded settings carry the schema's own.
 */
export const DEFAULT_PLACEHOLDER_OPTIONS: IPlaceholderOptions = {
  refillOnChange: true,
  fillOnOpen: false,
  checkBeforeRun: 'warn'
};

export class PlaceholdersModel implements IPlaceholderValues {
  /** Emitted when values, defaults or options change. */
  get changed(): ISignal<PlaceholdersModel, void> {
    return this._changed;
  }

  get stored(): IStoredValues {
    return this._stored;
  }

  /** Defaults from the server's environment, by field. */
  get serverDefaults(): Values {
    return this._server;
  }

  set serverDefaults(values: Values) {
    this._server = values;
    this._changed.emit();
  }

  get options(): IPlaceholderOptions {
    return this._options;
  }

  /** Take what the settings hold now, with one change signal for both. */
  setSettings(stored: IStoredValues, options: IPlaceholderOptions): void {
    this._stored = stored;
    this._options = options;
    this._changed.emit();
  }

  /** The placeholders of a notebook at `path` and the values for them. */
  forNotebook(
    model: INotebookModel | null,
    path: string
  ): INotebookPlaceholders {
    const definitions = definitionsOf(
      model ? model.getMetadata(METADATA_KEY) : undefined
    );
    const resolved = resolveValues(
      definitions.placeholders,
      this._stored,
      this._server,
      path
    );
    const fillable = fillableValues(resolved);
    return {
      ...definitions,
      resolved,
      values: fillable.values,
      invalid: fillable.problems
    };
  }

  private _stored: IStoredValues = { values: {}, folders: {} };
  private _server: Values = {};
  private _options: IPlaceholderOptions = { ...DEFAULT_PLACEHOLDER_OPTIONS };
  private _changed = new Signal<PlaceholdersModel, void>(this);
}
