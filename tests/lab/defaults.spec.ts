import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_PLACEHOLDER_OPTIONS } from '../../src/lab/placeholders/model';
import { DEFAULT_PROGRESS_SETTINGS } from '../../src/lab/progress/controller';
import { DEFAULT_TERMINALS_SETTINGS } from '../../src/lab/terminals/model';

/** The defaults a plugin's schema declares, by setting. */
function schemaDefaults(plugin: string): { [setting: string]: unknown } {
  const schema = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', '..', 'schema', `${plugin}.json`),
      'utf-8'
    )
  );
  const defaults: { [setting: string]: unknown } = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if ('default' in (property as object)) {
      defaults[name] = (property as { default: unknown }).default;
    }
  }
  return defaults;
}

/**
 * The settings a plugin holds before the registry answers are the schema's:
 * the page behaves the same before and after the settings load.
 */
describe('the defaults until the settings load', () => {
  it('are the progress schema’s', () => {
    expect(DEFAULT_PROGRESS_SETTINGS).toEqual(schemaDefaults('progress'));
  });

  it('are the terminals schema’s', () => {
    expect(DEFAULT_TERMINALS_SETTINGS).toEqual(schemaDefaults('terminals'));
  });

  it('are the placeholders schema’s, for the options', () => {
    const defaults = schemaDefaults('placeholders');
    for (const [name, value] of Object.entries(DEFAULT_PLACEHOLDER_OPTIONS)) {
      expect([name, defaults[name]]).toEqual([name, value]);
    }
  });
});
