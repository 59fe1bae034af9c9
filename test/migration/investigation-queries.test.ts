import * as fs from 'node:fs';
import * as path from 'node:path';
import { INVESTIGATION_QUERIES, INVESTIGATION_QUERY_FOLDER, InvestigationQuery, lakeToLogsInsightsTable } from '../../src/migration/investigation-queries';

const README = path.join(__dirname, '..', '..', 'README.md');
const START = '<!-- queries:start -->';
const END = '<!-- queries:end -->';

/** The strings a Lake query compares with: its '...' literals, without the map keys of element_at and the eventTime bound. */
function lakeLiterals(sql: string): string[] {
  const withoutKeys = sql.replace(/element_at\(\s*\w+\s*,\s*'[^']*'\s*\)/g, 'element_at(map, key)');
  return [...withoutKeys.matchAll(/'([^']*)'/g)].map((m) => m[1]).filter((s) => !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s));
}

/** The strings a Logs Insights query compares with: its "..." literals, without "false"/"true" (a boolean's string spelling). */
function insightsLiterals(query: string): string[] {
  return [...query.matchAll(/"([^"]*)"/g)].map((m) => m[1]).filter((s) => s !== 'false' && s !== 'true');
}

/** The values a query compares `field` with, in `field = '...'` / `field IN (...)` (Lake) or `field = "..."` / `field in [...]` (Logs Insights). */
function valuesOf(field: string, query: string, language: 'lake' | 'insights'): string[] {
  const [q, open, close] = language === 'lake' ? ["'", '\\(', '\\)'] : ['"', '\\[', '\\]'];
  const pattern = new RegExp(`\\b${field}\\s*(?:=\\s*${q}([^${q}]*)${q}|in\\s*${open}([^${close}]*)${close})`, 'gi');
  return [...query.matchAll(pattern)].flatMap((m) => (m[1] !== undefined ? [m[1]] : [...m[2].matchAll(new RegExp(`${q}([^${q}]*)${q}`, 'g'))].map((v) => v[1])));
}

const sorted = (values: string[]) => [...new Set(values)].sort();

/** How the two queries of a row differ in what they filter on; empty when they agree. */
function mismatches(query: InvestigationQuery): string[] {
  const found: string[] = [];
  for (const field of ['eventName', 'eventSource', 'errorCode']) {
    const lake = sorted(valuesOf(field, query.lakeSql, 'lake'));
    const insights = sorted(valuesOf(field, query.logsInsights, 'insights'));
    if (JSON.stringify(lake) !== JSON.stringify(insights)) found.push(`${field}: Lake SQL ${JSON.stringify(lake)}, Logs Insights ${JSON.stringify(insights)}`);
  }
  const lake = sorted(lakeLiterals(query.lakeSql));
  const insights = sorted(insightsLiterals(query.logsInsights));
  if (JSON.stringify(lake) !== JSON.stringify(insights)) found.push(`literals: Lake SQL ${JSON.stringify(lake)}, Logs Insights ${JSON.stringify(insights)}`);
  return found;
}

const byId = (id: string) => INVESTIGATION_QUERIES.find((q) => q.id === id)!;

test('there are 10 to 14 investigations', () => {
  expect(INVESTIGATION_QUERIES.length).toBeGreaterThanOrEqual(10);
  expect(INVESTIGATION_QUERIES.length).toBeLessThanOrEqual(14);
});

test('ids are unique and construct-ID safe', () => {
  const ids = INVESTIGATION_QUERIES.map((q) => q.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[A-Z][A-Za-z0-9]*$/);
});

test('titles are unique, hold no folder separator, and fit a query definition name (at most 255 characters) in their folder', () => {
  const titles = INVESTIGATION_QUERIES.map((q) => q.title);
  expect(new Set(titles).size).toBe(titles.length);
  for (const title of titles) {
    expect(title).not.toContain('/');
    expect(title.trim()).toBe(title);
    expect(`${INVESTIGATION_QUERY_FOLDER}/${title}`.length).toBeLessThanOrEqual(255);
  }
});

test('every question is one sentence', () => {
  for (const { question } of INVESTIGATION_QUERIES) expect(question).toMatch(/^[A-Z].*[?.]$/);
});

test.each(INVESTIGATION_QUERIES.map((q) => [q.id, q] as const))('%s: the Logs Insights query starts with fields or filter and names no log group', (_id, q) => {
  expect(q.logsInsights).toMatch(/^(fields|filter) /);
  expect(q.logsInsights).not.toMatch(/\bSOURCE\b/i);
  expect(q.logsInsights).not.toMatch(/logGroups?\(|aws\/cloudtrail/);
  // Every line after the first is one command after a pipe.
  for (const line of q.logsInsights.split('\n').slice(1)) expect(line).toMatch(/^\| (fields|filter|stats|sort|limit) /);
});

test.each(INVESTIGATION_QUERIES.map((q) => [q.id, q] as const))('%s: the Lake SQL selects from $EDS_ID within a time bound', (_id, q) => {
  expect(q.lakeSql).toMatch(/^SELECT /);
  expect(q.lakeSql).toMatch(/\bFROM \$EDS_ID\b/);
  expect(q.lakeSql).toContain("eventTime > '2026-01-01 00:00:00'");
  // Lake's maps are read with element_at (NULL for a missing key), never map['key'] (which fails the query).
  expect(q.lakeSql).not.toMatch(/\w\['/);
  expect(q.lakeSql).not.toContain('"');
});

test.each(INVESTIGATION_QUERIES.map((q) => [q.id, q] as const))('%s: both queries filter on the same eventName, eventSource, errorCode and other values', (_id, q) => {
  expect(mismatches(q)).toEqual([]);
});

describe('the comparison of a row\'s two queries', () => {
  test('reads the values of =, IN (...) and in [...]', () => {
    const iam = byId('IamChanges');
    expect(valuesOf('eventName', iam.lakeSql, 'lake')).toContain('CreateAccessKey');
    expect(valuesOf('eventName', iam.logsInsights, 'insights')).toContain('CreateAccessKey');
    expect(valuesOf('eventSource', iam.logsInsights, 'insights')).toEqual(['iam.amazonaws.com']);
    expect(valuesOf('eventName', byId('ConsoleSignInsWithoutMfa').lakeSql, 'lake')).toEqual(['ConsoleLogin']);
  });

  test('finds an event name missing from the Logs Insights list', () => {
    const iam = byId('IamChanges');
    const broken = { ...iam, logsInsights: iam.logsInsights.replace('"CreateAccessKey", ', '') };
    expect(broken.logsInsights).not.toBe(iam.logsInsights);
    expect(mismatches(broken)).toEqual(expect.arrayContaining([expect.stringMatching(/^eventName: /)]));
  });

  test('finds a different event name, event source or compared value', () => {
    const q = byId('ConsoleSignInsWithoutMfa');
    expect(mismatches({ ...q, logsInsights: q.logsInsights.replace('"ConsoleLogin"', '"ConsoleLogout"') })).toEqual(expect.arrayContaining([expect.stringMatching(/^eventName: /)]));
    expect(mismatches({ ...q, lakeSql: q.lakeSql.replace("'signin.amazonaws.com'", "'iam.amazonaws.com'") })).toEqual(expect.arrayContaining([expect.stringMatching(/^eventSource: /)]));
    expect(mismatches({ ...q, logsInsights: q.logsInsights.replace('MFAUsed = "No"', 'MFAUsed = "Yes"') })).toEqual([expect.stringMatching(/^literals: /)]);
  });
});

describe('the Markdown table', () => {
  const table = lakeToLogsInsightsTable();
  const rows = table.split('\n');

  test('has a header and one row per investigation, in order', () => {
    expect(rows[0]).toBe('| Investigation | CloudTrail Lake SQL | CloudWatch Logs Insights |');
    expect(rows[1]).toBe('| --- | --- | --- |');
    expect(rows.slice(2).map((r) => r.split(' | ')[0].slice(2))).toEqual(INVESTIGATION_QUERIES.map((q) => q.title));
  });

  test('has three cells in every row: the queries\' pipes are escaped, their lines joined', () => {
    expect(table).toContain('\\|');
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
  });

  test('shows each query, on one line, in inline code', () => {
    INVESTIGATION_QUERIES.forEach((q, i) => {
      const oneLine = (s: string) => s.replace(/\n/g, ' ').replace(/\|/g, '\\|');
      expect(rows[i + 2]).toContain(`\`${oneLine(q.lakeSql)}\``);
      expect(rows[i + 2]).toContain(`\`${oneLine(q.logsInsights)}\``);
    });
  });
});

test('the README\'s "From Lake SQL to Logs Insights" table is lakeToLogsInsightsTable()', () => {
  const readme = fs.readFileSync(README, 'utf8');
  const heading = readme.indexOf('\n## From Lake SQL to Logs Insights\n');
  const start = readme.indexOf(START, heading);
  const end = readme.indexOf(END, start);
  expect(heading).toBeGreaterThan(-1);
  expect(start).toBeGreaterThan(heading);
  expect(end).toBeGreaterThan(start);
  const inReadme = readme.slice(start + START.length, end).trim();
  const expected = lakeToLogsInsightsTable();
  if (inReadme !== expected) {
    throw new Error([
      "README.md's queries table differs from lakeToLogsInsightsTable() (src/migration/investigation-queries.ts).",
      `To fix it, replace the lines between ${START} and ${END} in README.md with this table:`,
      '',
      expected,
    ].join('\n'));
  }
});
