/**
 * CBS's own clients, replayed over HTTP against the real public server (buildPublicServer over
 * release files): each test makes the requests a client makes, in its order, with the URLs that
 * docs/api.md gives, and asserts the shapes that client reads.
 *   v4: cbsodata4 for R and for Python, Power BI / Excel's OData feed (datasets.cbs.nl shape);
 *   v3: cbsodataR and Python cbsodata (opendata.cbs.nl shape).
 * Then: every released figure is the same in REST, CSV, v4 and v3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from '../../web/fixture.js';
import { startRealServer } from '../../web/real-server.js';
import type { FixtureServer } from '../../web/server.js';

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

let fixture: Fixture;
let server: FixtureServer;
let base: string;
const requested: string[] = [];

/** The two published releases: the later one revises every year of the first. */
const FIRST = 'r2026-01';
const LATEST = 'r2026-03';

beforeAll(async () => {
  fixture = buildFixture({ gemeenten: 4, wijkenPerGemeente: 2, buurtenPerWijk: 2 });
  server = await startRealServer(fixture);
  base = server.url;
}, 60_000);
afterAll(async () => {
  await server.close();
});

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  requested.push(url);
  return fetch(url.startsWith('http') ? url : `${base}${url}`, { headers });
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<Json> {
  const res = await get(url, headers);
  expect(res.status, url).toBe(200);
  return (await res.json()) as Json;
}

/** Follows next links as the client does (`@odata.nextLink` in v4, `odata.nextLink` in v3). */
async function all(url: string, nextKey: string, headers: Record<string, string> = {}) {
  const rows: Row[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next !== undefined) {
    const body = await getJson(next, headers);
    rows.push(...(body['value'] as Row[]));
    next = body[nextKey] as string | undefined;
    if (next !== undefined) expect(next.startsWith(`${base}/`), next).toBe(true);
    pages++;
  }
  return { rows, pages };
}

const ids = (rows: Row[], key = 'Identifier') => rows.map((r) => r[key]);
const SMALL_PAGES = { Prefer: 'odata.maxpagesize=500' };

describe('OData v4 as datasets.cbs.nl', () => {
  const V4 = () => `${base}/odata/v1`;

  it('cbsodata4 for R: datasets → metadata (Dimensions, Codes, Groups, Properties) → observations', async () => {
    // cbs4_get_datasets(catalog = "Samenzicht", base_url = …)
    const datasets = (await all(`${V4()}/Datasets`, '@odata.nextLink')).rows.filter(
      (d) => d['Catalog'] === 'Samenzicht',
    );
    expect(ids(datasets)).toEqual([FIRST, LATEST]);
    for (const d of datasets) {
      for (const k of ['Modified', 'ObservationsModified'])
        expect(Number.isNaN(Date.parse(d[k] as string)), k).toBe(false);
    }
    // The later release publishes the same years again: a revision. Version 2 was withdrawn
    // (it is not listed), and keeps its number.
    expect(datasets.map((d) => [d['Version'], d['Status']])).toEqual([
      [1, 'Regulier'],
      [3, 'Gewijzigd'],
    ]);
    expect(datasets[1]?.['VersionReason']).toBe(
      'Herziene cijfers over 2019, 2020, 2021, 2022, 2023.',
    );

    // cbs4_get_metadata(id, catalog = "Samenzicht"): file.path(base_url, catalog, id), no slash.
    const index = (await getJson(`${V4()}/Samenzicht/${LATEST}`))['value'] as Row[];
    const names = index.map((x) => x['name'] as string);
    const meta: Record<string, Row[]> = {};
    for (const n of ['Dimensions', ...names.filter((x) => /Codes$|Groups$/.test(x))])
      meta[n] = (await all(`${V4()}/Samenzicht/${LATEST}/${n}`, '@odata.nextLink')).rows;
    const properties = await getJson(`${V4()}/Samenzicht/${LATEST}/Properties`);
    expect(properties).toMatchObject({
      Identifier: LATEST,
      Catalog: 'Samenzicht',
      Version: 3,
      Status: 'Gewijzigd',
      DatasetType: 'Numeric',
      Frequency: 'Perjaar',
      TemporalCoverage: '2019–2023',
      License: 'CC BY 4.0',
    });
    expect(ids(meta['Dimensions'] as Row[])).toEqual(['Perioden', 'RegioS', 'Breakdown']);
    const dims = meta['Dimensions'] as Row[];
    expect(dims.map((d) => d['Kind'])).toEqual(['TimeDimension', 'GeoDimension', 'Dimension']);
    expect(dims[1]?.['MapYear']).toBe(2023);

    // cbs4_get_observations: every page, then the labels joined through the metadata.
    // (A smaller page than the default 10,000, so that this small release has several.)
    const { rows: observations, pages } = await all(
      `${V4()}/Samenzicht/${LATEST}/Observations`,
      '@odata.nextLink',
      SMALL_PAGES,
    );
    expect(pages).toBeGreaterThan(1);
    expect(observations).toHaveLength(properties['ObservationCount'] as number);
    expect(datasets[1]?.['ObservationCount']).toBe(observations.length);
    for (const dim of ids(dims) as string[]) {
      const codes = new Set(ids(meta[`${dim}Codes`] as Row[]));
      for (const o of observations)
        expect(codes.has(o[dim]), `${dim} ${String(o[dim])}`).toBe(true);
    }
    const measures = new Set(ids(meta['MeasureCodes'] as Row[]));
    for (const o of observations) expect(measures.has(o['Measure'])).toBe(true);
  });

  it('cbsodata4 for Python: catalogs, the dataset list without a catalog, the service document and its kinds', async () => {
    // get_catalog_list(), get_catalog_info(catalog)
    expect(ids((await getJson(`${V4()}/Catalogs`))['value'] as Row[])).toEqual(['Samenzicht']);
    const catalog = await getJson(`${V4()}/Catalogs/Samenzicht`);
    expect(catalog['Identifier']).toBe('Samenzicht');
    expect((await get(`${V4()}/Catalogs/CBS`)).status).toBe(404);
    // get_dataset_list(catalog=None) formats "{}/{}/Datasets" with an empty catalog.
    expect(ids((await getJson(`${V4()}//Datasets`))['value'] as Row[])).toEqual([FIRST, LATEST]);
    expect(ids((await getJson(`${V4()}/Samenzicht/Datasets`))['value'] as Row[])).toEqual([
      FIRST,
      LATEST,
    ]);

    // get_metadata(): the dataset URL with a slash; each entry's kind says how to read it.
    const root = `${V4()}/Samenzicht/${FIRST}/`;
    const index = (await getJson(root))['value'] as { name: string; kind: string; url: string }[];
    const meta: Record<string, unknown> = {};
    for (const m of index) {
      if (!(/Groups$|Codes$/.test(m.name) || m.name === 'Dimensions' || m.name === 'Properties'))
        continue;
      const body = await getJson(root + m.url);
      if (m.kind === 'Singleton') {
        delete body['@odata.context'];
        meta[m.name] = body;
      } else meta[m.name] = body['value'];
    }
    expect((meta['Properties'] as Row)['Identifier']).toBe(FIRST);

    // get_data(): observations enriched through MeasureCodes/MeasureGroups and each dimension's
    // Codes (DimensionGroupId) and Groups (Id), exactly the keys it reads.
    const observations = (
      await all(`${root}Observations?$filter=Measure eq 'drugs_verdachten'`, '@odata.nextLink')
    ).rows;
    expect(observations.length).toBeGreaterThan(0);
    // get_observations follows each next link with its params again (requests appends them):
    // the repeated $filter is the same filter, and the pages add up to the same rows.
    const filter = `$filter=${encodeURIComponent("Measure eq 'drugs_verdachten'")}`;
    const again: Row[] = [];
    let pages = 0;
    for (let url: string | undefined = `${root}Observations?${filter}`; url; pages++) {
      const body = await getJson(url, { Prefer: 'odata.maxpagesize=100' });
      again.push(...(body['value'] as Row[]));
      const next = body['@odata.nextLink'] as string | undefined;
      url = next === undefined ? undefined : `${next}&${filter}`;
    }
    expect(pages).toBeGreaterThan(1);
    expect(again).toEqual(observations);
    const measureCodes = meta['MeasureCodes'] as Row[];
    const groups = new Map((meta['MeasureGroups'] as Row[]).map((g) => [g['Id'], g]));
    for (const m of measureCodes)
      expect(groups.has(m['MeasureGroupId']), String(m['Identifier'])).toBe(true);
    for (const g of groups.values())
      if (g['ParentId'] !== null) expect(groups.has(g['ParentId'])).toBe(true);
    // A rate's measures: its value, then its numerator and denominator, under one indicator group.
    expect(
      measureCodes
        .filter((m) => String(m['Identifier']).startsWith('drugs_verdachten'))
        .map((m) => [m['Identifier'], m['PresentationType']]),
    ).toEqual([
      ['drugs_verdachten', 'Relative'],
      ['drugs_verdachten_numerator', 'Absolute'],
      ['drugs_verdachten_denominator', 'Absolute'],
    ]);
    expect(groups.get('drugs')?.['Title']).toBe('Drugs');
    for (const dim of (meta['Dimensions'] as Row[]).map((d) => d['Identifier'] as string)) {
      const dimGroups = new Map((meta[`${dim}Groups`] as Row[]).map((g) => [g['Id'], g]));
      for (const c of meta[`${dim}Codes`] as Row[]) {
        expect(c).toHaveProperty('DimensionGroupId');
        if (c['DimensionGroupId'] !== null) expect(dimGroups.has(c['DimensionGroupId'])).toBe(true);
      }
    }
    // The region hierarchy: a buurt's group lies in its wijk's group, up to Nederland.
    const regioGroups = new Map((meta['RegioSGroups'] as Row[]).map((g) => [g['Id'] as string, g]));
    const buurt = (meta['RegioSCodes'] as Row[]).find((c) => c['Level'] === 'buurt') as Row;
    const chain: string[] = [];
    for (let g = buurt['DimensionGroupId'] as string | null; g !== null;) {
      chain.push(g);
      g = (regioGroups.get(g)?.['ParentId'] as string | null) ?? null;
    }
    expect(chain.map((g) => g.split('.').at(-1))).toEqual([
      'buurt',
      'wijk',
      'gemeente',
      'veiligheidsregio',
      'nederland',
    ]);
  });

  it('Power BI / Excel: the latest release at /odata/v4/, a CSDL with an entity container, server-driven paging', async () => {
    const headers = {
      'OData-MaxVersion': '4.0',
      Accept: 'application/json;odata.metadata=minimal',
      ...SMALL_PAGES,
    };
    const res = await get('/odata/v4/', headers);
    expect(res.headers.get('odata-version')).toBe('4.0');
    const doc = (await res.json()) as Json;
    expect(doc['@odata.context']).toBe(`${base}/odata/v1/Samenzicht/${LATEST}/$metadata`);
    const xml = await (await get('/odata/v4/$metadata', headers)).text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    for (const s of doc['value'] as { name: string; kind: string }[]) {
      const tag = s.kind === 'Singleton' ? 'Singleton' : 'EntitySet';
      expect(xml, s.name).toContain(`<${tag} Name="${s.name}" `);
    }
    // Each entity type has a key, as the connector requires.
    const types = xml.match(/<EntityType Name="[^"]+">\s*<Key>/g) ?? [];
    expect(types.length).toBe((xml.match(/<EntityType /g) ?? []).length);
    const { pages, rows } = await all('/odata/v4/Observations', '@odata.nextLink', headers);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(rows.map((r) => r['Id'])).size).toBe(rows.length);
    // An OData v3 client is told where its feed is rather than given v4.
    const v3 = await get('/odata/v4/Observations', { 'OData-MaxVersion': '3.0' });
    expect(v3.status).toBe(400);
    expect(((await v3.json()) as { error: { message: string } }).error.message).toContain(
      '/ODataFeed/OData/',
    );
  });

  it('moves the old per-release feed to the catalogue address', async () => {
    const res = await fetch(`${base}/odata/v4/releases/${FIRST}/Observations?$top=1`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe(`/odata/v1/Samenzicht/${FIRST}/Observations?$top=1`);
  });
});

describe('OData v3 as opendata.cbs.nl', () => {
  it('Python cbsodata: Tables → the table index → every listed set, the data set paged', async () => {
    // get_table_list(); options.catalog_url = host, options.use_https = False
    const tables = (await getJson('/ODataCatalog/Tables?$format=json'))['value'] as Row[];
    expect(ids(tables)).toEqual([FIRST, LATEST]);
    // get_data(table_id): download_data → _download_metadata(table_id, "") on the bulk feed.
    const root = `${base}/ODataFeed/odata/${LATEST}/`;
    const index = (await getJson(`${root}?$format=json`))['value'] as {
      name: string;
      url: string;
    }[];
    const names = index.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'TableInfos',
        'DataProperties',
        'CategoryGroups',
        'TypedDataSet',
        'UntypedDataSet',
        'Perioden',
        'RegioS',
        'Breakdown',
      ]),
    );
    // download_data(typed=False) drops "UntypedDataSet" from the list (sic) and reads the rest;
    // get_data then takes TypedDataSet.
    const data: Record<string, Row[]> = {};
    for (const name of names.filter((n) => n !== 'UntypedDataSet')) {
      data[name] = (await all(`${root}${name}?$format=json`, 'odata.nextLink')).rows;
    }
    const rows = data['TypedDataSet'] as Row[];
    expect(rows.length).toBeGreaterThan(0);
    // get_data maps every column named like a code table through its Key → Title.
    const codeTables = names.filter(
      (n) =>
        ![
          'TableInfos',
          'TypedDataSet',
          'UntypedDataSet',
          'DataProperties',
          'CategoryGroups',
        ].includes(n),
    );
    for (const t of codeTables) {
      const keys = new Set((data[t] as Row[]).map((r) => r['Key']));
      for (const r of rows) expect(keys.has(r[t]), `${t} ${String(r[t])}`).toBe(true);
      for (const r of data[t] as Row[]) expect(typeof r['Title']).toBe('string');
    }
  });

  it('cbsodataR: the table list, meta data from absolute URLs, TypedDataSet with a filter, paged', async () => {
    // cbs_get_toc(base_url = …)
    const toc = (await getJson('/ODataCatalog/Tables?$format=json'))['value'] as Row[];
    expect(toc[1]).toMatchObject({ Identifier: LATEST, OutputStatus: 'Gewijzigd' });
    // cbs_get_meta(id): {{BASEURL}}/ODataApi/odata/{{id}}, then each url as given.
    const top = (await getJson(`/ODataApi/odata/${LATEST}`))['value'] as {
      name: string;
      url: string;
    }[];
    const meta: Record<string, Row[]> = {};
    for (const t of top.filter((x) => !['TypedDataSet', 'UntypedDataSet'].includes(x.name))) {
      expect(t.url.startsWith(`${base}/ODataApi/OData/${LATEST}/`), t.url).toBe(true);
      meta[t.name] = (await all(t.url, 'odata.nextLink')).rows;
    }
    // get_row_count: the dimensions are the DataProperties whose Type is not a Topic(Group).
    const dp = meta['DataProperties'] as Row[];
    const dims = dp
      .filter((p) => !String(p['Type']).includes('Topic'))
      .map((p) => p['Key'] as string);
    expect(dims.sort()).toEqual(['Breakdown', 'Perioden', 'RegioS']);
    for (const d of dims) expect(meta[d]?.length, d).toBeGreaterThan(0);
    expect(dp.find((p) => p['Key'] === 'RegioS')?.['Type']).toBe('GeoDimension');
    // cbs_download_data(id, Perioden = "2023JJ00", RegioS = has_substring("GM"))
    const filter = "(Perioden eq '2023JJ00') and (substringof('GM',RegioS))";
    const { rows, pages } = await all(
      `/ODataFeed/odata/${LATEST}/TypedDataSet?$format=json&$filter=${encodeURIComponent(filter)}`,
      'odata.nextLink',
    );
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBe(4);
    for (const r of rows) {
      expect(r['Perioden']).toBe('2023JJ00');
      expect(String(r['RegioS']).startsWith('GM')).toBe(true);
    }
  });

  it('matches the v3 paths in any case, as CBS does', async () => {
    for (const p of [
      `/odatafeed/ODATA/${LATEST}/TableInfos?$format=json`,
      `/OdataApi/odata/${LATEST}/TableInfos`,
    ]) {
      const body = await getJson(p);
      expect((body['value'] as Row[])[0]?.['Identifier'], p).toBe(LATEST);
    }
  });
});

describe('one figure, every format', () => {
  it('every released figure of a release is identical in REST, CSV, OData v4 and OData v3', async () => {
    // REST, paged.
    const rest: Row[] = [];
    for (let url: string | null = `/api/v1/releases/${LATEST}/cells?limit=10000`; url;) {
      const body = await getJson(url);
      rest.push(...(body['cells'] as Row[]));
      url = ((body['page'] as { next: string | null }).next ?? null) as string | null;
    }
    const expected = fixture.cells.get(LATEST) ?? [];
    expect(rest).toHaveLength(expected.length);
    const key = (indicator: unknown, year: unknown, region: unknown, breakdown: unknown) =>
      `${String(indicator)}|${String(year)}|${String(region)}|${String(breakdown)}`;
    const truth = new Map<
      string,
      { value: number | null; numerator: number | null; denominator: number | null; status: string }
    >();
    for (const c of expected) truth.set(key(c.indicator_id, c.year, c.region_code, c.breakdown), c);
    for (const r of rest) {
      const t = truth.get(key(r['indicator_id'], r['year'], r['region_code'], r['breakdown']));
      expect(t).toBeDefined();
      expect([r['value'], r['numerator'], r['denominator'], r['status']]).toEqual([
        t?.value,
        t?.numerator,
        t?.denominator,
        t?.status,
      ]);
    }

    // CSV: '.' for a confidential figure, blank for one that cannot occur.
    const csv = (await (await get(`/api/v1/releases/${LATEST}/cells.csv`)).text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = (csv[0] as string).split(',');
    for (const line of csv.slice(1)) {
      const f = Object.fromEntries(line.split(',').map((v, i) => [header[i], v]));
      const t = truth.get(key(f['indicator_id'], f['year'], f['region_code'], f['breakdown']));
      const asCsv = (v: number | null | undefined) =>
        t?.status === 'confidential' ? '.' : v === null || v === undefined ? '' : String(v);
      expect([f['value'], f['numerator'], f['denominator']]).toEqual([
        asCsv(t?.value),
        asCsv(t?.numerator),
        asCsv(t?.denominator),
      ]);
    }

    // OData v4: one observation per cell and figure.
    const figure = (id: string) =>
      id.endsWith('_numerator')
        ? (['numerator', id.slice(0, -10)] as const)
        : id.endsWith('_denominator')
          ? (['denominator', id.slice(0, -12)] as const)
          : (['value', id] as const);
    const v4 = (await all(`/odata/v1/Samenzicht/${LATEST}/Observations`, '@odata.nextLink')).rows;
    let seen = 0;
    for (const o of v4) {
      const [fig, indicator] = figure(o['Measure'] as string);
      const breakdown = o['Breakdown'] === 'T001' ? '' : o['Breakdown'];
      const t = truth.get(
        key(indicator, String(o['Perioden']).slice(0, 4), o['RegioS'], breakdown),
      );
      expect(t, JSON.stringify(o)).toBeDefined();
      expect(o['Value']).toBe(t?.status === 'published' ? t[fig] : null);
      expect(o['ValueAttribute']).toBe(
        { published: 'None', confidential: 'Confidential', 'not-applicable': 'Impossible' }[
          t?.status ?? ''
        ],
      );
      seen++;
    }
    expect(seen).toBe(expected.length * 3);

    // OData v3: the wide TypedDataSet, one column per measure.
    const v3 = (await all(`/ODataFeed/OData/${LATEST}/TypedDataSet?$format=json`, 'odata.nextLink'))
      .rows;
    let cells = 0;
    for (const r of v3) {
      for (const [col, v] of Object.entries(r)) {
        if (['ID', 'Perioden', 'RegioS', 'Breakdown'].includes(col)) continue;
        const [fig, indicator] = figure(col);
        const breakdown = r['Breakdown'] === 'T001' ? '' : r['Breakdown'];
        const t = truth.get(
          key(indicator, String(r['Perioden']).slice(0, 4), r['RegioS'], breakdown),
        );
        if (!t) {
          expect(v).toBeNull();
          continue;
        }
        expect(v, `${col} ${String(r['RegioS'])}`).toBe(t.status === 'published' ? t[fig] : null);
        if (fig === 'value') cells++;
      }
    }
    expect(cells).toBe(expected.length);
  });
});
