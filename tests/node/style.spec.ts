/**
 * The extension's styles reach the page through style/index.js (the
 * package's styleModule, what a prebuilt extension loads); style/index.css
 * is what the CSS tools read. A sheet in one and not the other is a part of
 * the interface left unstyled once installed.
 */
import * as fs from 'fs';
import * as path from 'path';

const STYLE = path.resolve(__dirname, '../../style');

const imported = (file: string, pattern: RegExp): string[] =>
  Array.from(
    fs.readFileSync(path.join(STYLE, file), 'utf8').matchAll(pattern),
    match => match[1]
  ).sort();

describe('the style module', () => {
  it('loads every style sheet of the package', () => {
    const sheets = fs
      .readdirSync(STYLE)
      .filter(name => name.endsWith('.css') && name !== 'index.css')
      .sort();
    expect(imported('index.js', /import '\.\/([^']+\.css)';/g)).toEqual(sheets);
    expect(imported('index.css', /@import url\('([^']+\.css)'\);/g)).toEqual(
      sheets
    );
  });
});
