import * as fs from 'fs';
import * as path from 'path';

/**
 * API.md as jsii-docgen renders the doc comments (test:ci checks that it is current): what Construct
 * Hub shows. jsii-docgen prints `{@link X}` as it is written, and jsii takes a type's summary from its
 * first sentence: a first sentence that is not a summary is cut where its first period is.
 */
const api = fs.readFileSync(path.join(__dirname, '..', 'API.md'), 'utf8');

/** Each type of the API with the first paragraph docgen renders under its heading. */
const summaries = [...api.matchAll(/^### (\w+) <a name="\w+" id="cdk-eventdatastore-import\.\w+"><\/a>\n\n(?:- \*Implements:\*.*\n\n)?([^\n]+)/gm)]
  .map(([, name, summary]) => ({ name, summary }));

test('API.md lists the public types with their summaries', () => {
  expect(summaries.map((s) => s.name)).toEqual(expect.arrayContaining(['CloudTrailLakeMigration', 'EventDataStoreImport', 'CloudTrailLakeMigrationProps', 'ImportSource']));
});

test('API.md shows no {@link} (jsii-docgen renders it as written)', () => {
  expect(api.match(/.*\{@link[^}]*\}.*/g) ?? []).toEqual([]);
});

test('every type\'s summary is a whole sentence, not cut at a list item or an abbreviation', () => {
  const cut = summaries.filter(({ summary }) => !/[^.]\.$/.test(summary) || /(\s\d+|\be\.g|\bi\.e|:)\s*\.?$/.test(summary) || summary.length < 20);
  expect(cut).toEqual([]);
});
