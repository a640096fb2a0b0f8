/**
 * The OData v3 feed (opendata.cbs.nl): the contract of every entity set and query option, and
 * replays of what cbsodata (Python) and cbsodataR send, asserting the shapes those clients read.
 */
import swagger from '@fastify/swagger';
import fc from 'fast-check';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDataset,
  datasetIdentity,
  figuresOf,
  type Figure,
} from '../../../src/api/opendata/dataset.js';
import { OpenDataContext } from '../../../src/api/opendata/http.js';
import type {
  IndicatorSummary,
  PublicCell,
  ReleaseSource,
  ReleaseSummary,
} from '../../../src/api/opendata/types.js';
import {
  buildV3Model,
  canonicalV3Url,
  findSet,
  metadataXmlV3,
  registerV3Routes,
  tableShape,
} from '../../../src/api/opendata/v3/index.js';
import { decimalString } from '../../../src/api/opendata/v3/model.js';

const BASE = 'https://example.test';

// ---- a hand-made release store -------------------------------------------------------------

const INDICATORS: IndicatorSummary[] = [
  {
    id: 'drugs',
    title: { nl: 'Drugsverdachten per 1.000 inwoners', en: 'Drug suspects per 1,000 residents' },
    description: { nl: 'Verdachten van een drugsdelict', en: 'Suspects of a drug offence' },
    theme: 'drugs',
    unit: 'per 1.000 inwoners',
    kind: 'rate_per_1000',
  },
  // The others with a title only: [id, nl, en, theme, unit, kind].
  ...(
    [
      ['jeugd', 'Jeugdige verdachten', 'Young suspects', 'jonge_aanwas', '%', 'percentage'],
      ['inwoners', 'Inwoners', 'Residents', 'context', 'aantal', 'count'],
      ['inkomen', 'Mediaan inkomen', 'Median income', 'context', 'euro', 'median'],
    ] as const
  ).map(([id, nl, en, theme, unit, kind]) => ({ id, title: { nl, en }, theme, unit, kind })),
];
const KIND = new Map(INDICATORS.map((i) => [i.id, i.kind]));

const REGIONS = [
  { code: 'NL01', level: 'nederland', parent: null, name: 'Nederland' },
  { code: 'VR13', level: 'veiligheidsregio', parent: 'NL01', name: 'Amsterdam-Amstelland' },
  { code: 'VR15', level: 'veiligheidsregio', parent: 'NL01', name: 'Haaglanden' },
  { code: 'GM0363', level: 'gemeente', parent: 'VR13', name: 'Amsterdam' },
  { code: 'GM0518', level: 'gemeente', parent: 'VR15', name: "'s-Gravenhage" },
  { code: 'WK036300', level: 'wijk', parent: 'GM0363', name: 'Burgwallen-Oude Zijde' },
] as const;
const NAMES = new Map<string, string>(REGIONS.map((r) => [r.code, r.name]));
const BREAKDOWNS = ['', 'geslacht=man', 'geslacht=vrouw'];

function cell(
  indicator: string,
  year: number,
  region: (typeof REGIONS)[number],
  breakdown: string,
  n: number,
  status: PublicCell['status'] = 'published',
): PublicCell {
  const kind = KIND.get(indicator);
  const base = {
    indicator_id: indicator,
    year,
    region_level: region.level,
    region_code: region.code,
    parent_code: region.parent,
    breakdown,
  };
  if (status !== 'published')
    return { ...base, value: null, numerator: null, denominator: null, status };
  const numerator = 10 * (n + 1);
  if (kind === 'count') return { ...base, value: numerator, numerator, denominator: null, status };
  if (kind === 'median')
    return { ...base, value: 30000 + n * 12.5, numerator: 100 + n, denominator: null, status };
  const denominator = 1000 * (n + 2);
  const value = Math.round((numerator / denominator) * 1000 * 100) / 100;
  return { ...base, value, numerator, denominator, status };
}

/** Every indicator in every year; drugs by breakdown too; a few secrets and one impossible. */
function releaseCells(years: number[], regions: readonly (typeof REGIONS)[number][]): PublicCell[] {
  const out: PublicCell[] = [];
  for (const year of years) {
    for (const r of regions) {
      for (const b of BREAKDOWNS) {
        const secret = r.level === 'wijk' && b !== '';
        out.push(cell('drugs', year, r, b, out.length, secret ? 'confidential' : 'published'));
      }
      const impossible = r.code === 'GM0518' && year === 2023;
      out.push(cell('jeugd', year, r, '', out.length, impossible ? 'not-applicable' : 'published'));
      out.push(cell('inwoners', year, r, '', out.length));
      if (r.level === 'gemeente') {
        const secret = r.code === 'GM0363' && year === 2022;
        out.push(cell('inkomen', year, r, '', out.length, secret ? 'confidential' : 'published'));
      }
    }
  }
  return out;
}

const R1 = releaseCells([2022, 2023], REGIONS);
const R2 = releaseCells(
  [2023, 2024],
  REGIONS.filter((r) => r.code === 'NL01' || r.code === 'GM0363'),
);
const REGION_SET = { year: 2023, kind: 'cbs', attribution: 'Bron: CBS, Kadaster' } as const;

const RELEASES: ReleaseSummary[] = [
  {
    // Withdrawn after r2: it keeps version 3, and is not listed.
    id: 'r0',
    status: 'withdrawn',
    createdAt: '2026-03-10T00:00:00Z',
    publishedAt: '2026-03-12T00:00:00Z',
    years: [2022],
    regionSet: REGION_SET,
  },
  {
    id: 'r1',
    status: 'published',
    createdAt: '2026-01-01T00:00:00Z',
    publishedAt: '2026-01-02T00:00:00Z',
    years: [2022, 2023],
    regionSet: REGION_SET,
  },
  {
    id: 'r2',
    status: 'published',
    createdAt: '2026-03-01T00:00:00Z',
    publishedAt: '2026-03-02T00:00:00Z',
    years: [2023, 2024],
    regionSet: REGION_SET,
  },
  {
    id: 'r3',
    status: 'candidate',
    createdAt: '2026-04-01T00:00:00Z',
    publishedAt: null,
    years: [2024],
    regionSet: REGION_SET,
  },
];

const source: ReleaseSource = {
  list: async () => RELEASES,
  async cells(id) {
    if (id === 'r1') return R1;
    if (id === 'r2') return R2;
    if (id === 'r3') return R2.slice(0, 3);
    throw new Error(`no cells for ${id}`);
  },
  parquetPath: async () => null,
  indicators: () => INDICATORS,
  regionName: (code) => NAMES.get(code),
  latestPublishedId: async () => 'r2',
};

async function buildApp(pageSize: number, withSwagger = false): Promise<FastifyInstance> {
  const app = Fastify({ rewriteUrl: (req) => canonicalV3Url(req.url ?? '/') });
  if (withSwagger)
    await app.register(swagger, { openapi: { info: { title: 'v3 test', version: '0' } } });
  const ctx = new OpenDataContext(source, 'Samenzicht');
  await app.register(async (a) =>
    registerV3Routes(a, ctx, { publicBaseUrl: `${BASE}/`, pageSize }),
  );
  await app.ready();
  return app;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp(3);
});
afterAll(async () => {
  await app.close();
});

// ---- helpers -------------------------------------------------------------------------------

type Row = Record<string, unknown>;
type Body = Row & { value: Row[] };

/** Percent-encodes a query like a browser would, keeping `$`, quotes and parentheses legible. */
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

const get = (url: string, headers: Record<string, string> = {}, on = app) =>
  on.inject({ method: 'GET', url, headers });

const local = (absolute: string): string => {
  expect(absolute.startsWith(`${BASE}/`), absolute).toBe(true);
  return absolute.slice(BASE.length);
};

async function body(url: string, on = app): Promise<Body> {
  const res = await get(url, {}, on);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as Body;
}

/** Every row of a set, following odata.nextLink to the end. */
async function all(url: string, on = app): Promise<Row[]> {
  const rows: Row[] = [];
  let next: string | null = url;
  for (let pages = 0; next !== null; pages++) {
    expect(pages).toBeLessThan(1000);
    const b = await body(next, on);
    rows.push(...b.value);
    const link = b['odata.nextLink'];
    next = typeof link === 'string' ? local(link) : null;
  }
  return rows;
}

function expectError(res: LightMyRequestResponse, status: number, ...fragments: string[]): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['dataserviceversion']).toBe('3.0;');
  const err = (
    res.json() as { 'odata.error': { code: string; message: { lang: string; value: string } } }
  )['odata.error'];
  expect(typeof err.code).toBe('string');
  expect(err.message.lang).toBe('en-US');
  for (const f of fragments) expect(err.message.value).toContain(f);
}

const measureId = (indicator: string, figure: Figure) =>
  figure === 'value' ? indicator : `${indicator}_${figure}`;
const rowKey = (breakdown: string, region: string, period: string) =>
  `${breakdown}|${region}|${period}`;
const keyOfCell = (c: PublicCell) =>
  rowKey(c.breakdown === '' ? 'T001' : c.breakdown, c.region_code, `${c.year}JJ00`);

const dims = (r: Row) => [r['Breakdown'], r['RegioS'], r['Perioden']] as [string, string, string];

const FEED = '/ODataFeed/OData/r1';
const API = '/ODataApi/OData/r1';

// ---- contract ------------------------------------------------------------------------------

describe('ODataCatalog', () => {
  it('lists every published release as a table with absolute ApiUrl and FeedUrl', async () => {
    const res = await get('/ODataCatalog/Tables?$format=json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/json;odata=minimalmetadata;streaming=true;charset=utf-8',
    );
    expect(res.headers['dataserviceversion']).toBe('3.0;');
    expect(res.headers['cache-control']).toBe('no-cache');
    const b = res.json() as Body;
    expect(b['odata.metadata']).toBe(`${BASE}/ODataCatalog/$metadata#Tables`);
    expect(b.value.map((t) => t['Identifier'])).toEqual(['r1', 'r2']);
    const [t1, t2] = b.value as [Row, Row];
    expect(t1).toMatchObject({
      ID: 1,
      Identifier: 'r1',
      OutputStatus: 'Regulier',
      ReasonDelivery: 'Eerste publicatie.',
      Language: 'nl',
      Catalog: 'Samenzicht',
      Source: 'Samenzicht',
      Frequency: 'Perjaar',
      Period: '2022–2023',
      Modified: '2026-01-02T00:00:00Z',
      ApiUrl: `${BASE}/ODataApi/OData/r1`,
      FeedUrl: `${BASE}/ODataFeed/OData/r1`,
    });
    expect(t2).toMatchObject({ ID: 2, OutputStatus: 'Gewijzigd' });
    expect(t2['ReasonDelivery']).toContain('herziene cijfers over 2023');
    for (const k of ['Title', 'ShortTitle', 'Summary', 'ShortDescription', 'MetaDataModified'])
      expect(typeof t1[k], k).toBe('string');
    // RecordCount and ColumnCount describe the TypedDataSet the table serves.
    const typed = await all(`${FEED}/TypedDataSet`);
    expect(t1['RecordCount']).toBe(typed.length);
    expect(t1['ColumnCount']).toBe(Object.keys(typed[0] as Row).length - 1);
  });

  it('supports the query options on Tables', async () => {
    const one = await body(`/ODataCatalog/Tables?${q({ $filter: "Identifier eq 'r2'" })}`);
    expect(one.value.map((t) => t['ID'])).toEqual([2]);
    const changed = await body(
      `/ODataCatalog/Tables?${q({ $filter: "substringof('Gewijzigd', OutputStatus)", $select: 'Identifier,OutputStatus' })}`,
    );
    expect(changed.value).toEqual([{ Identifier: 'r2', OutputStatus: 'Gewijzigd' }]);
    expect(changed['odata.metadata']).toBe(
      `${BASE}/ODataCatalog/$metadata#Tables&$select=Identifier,OutputStatus`,
    );
    const ordered = await body(
      '/ODataCatalog/Tables?$orderby=ID%20desc&$top=1&$inlinecount=allpages',
    );
    expect(ordered.value.map((t) => t['Identifier'])).toEqual(['r2']);
    expect(ordered['odata.count']).toBe('2');
    expect((await get('/ODataCatalog/Tables/$count')).body).toBe('2');
  });

  it('has a service document and CSDL', async () => {
    for (const url of ['/ODataCatalog/', '/ODataCatalog', '/ODataCatalog/?$format=json']) {
      expect(await body(url)).toEqual({
        'odata.metadata': `${BASE}/ODataCatalog/$metadata`,
        value: [{ name: 'Tables', url: `${BASE}/ODataCatalog/Tables` }],
      });
    }
    const xml = await get('/ODataCatalog/$metadata');
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toBe('application/xml;charset=utf-8');
    expect(xml.body).toContain('<EntitySet Name="Tables" EntityType="Samenzicht.OData.Table"/>');
    expect(xml.body).toContain('<Property Name="FeedUrl" Type="Edm.String" Nullable="false"/>');
  });
});

describe('a table: service document and $metadata', () => {
  it('lists the sets as opendata.cbs.nl does, with absolute urls, under both services', async () => {
    const names = [
      'TableInfos',
      'UntypedDataSet',
      'TypedDataSet',
      'DataProperties',
      'CategoryGroups',
      'Breakdown',
      'RegioS',
      'Perioden',
    ];
    for (const root of [API, FEED]) {
      for (const url of [root, `${root}/`, `${root}/?$format=json`]) {
        expect(await body(url)).toEqual({
          'odata.metadata': `${BASE}${root}/$metadata`,
          value: names.map((name) => ({ name, url: `${BASE}${root}/${name}` })),
        });
      }
    }
  });

  it('writes EDMX 1.0 with a CSDL v3 schema', async () => {
    const res = await get(`${API}/$metadata`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml;charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600, immutable');
    const xml = res.body;
    expect(xml).toContain(
      '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">',
    );
    expect(xml).toContain(
      '<edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">',
    );
    expect(xml).toContain(
      '<Schema Namespace="Samenzicht.OData" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">',
    );
    expect(xml).toContain('<EntityContainer Name="Table_r1" m:IsDefaultEntityContainer="true">');
    expect(xml.match(/<EntityType /g)).toHaveLength(8);
    expect(xml.match(/<EntitySet /g)).toHaveLength(8);
    expect(xml).toMatch(
      /<EntityType Name="TypedData">\s*<Key><PropertyRef Name="ID"\/><\/Key>\s*<Property Name="ID" Type="Edm.Int32" Nullable="false"\/>\s*<Property Name="Breakdown" Type="Edm.String" Nullable="false"\/>\s*<Property Name="RegioS" Type="Edm.String" Nullable="false"\/>\s*<Property Name="Perioden" Type="Edm.String" Nullable="false"\/>\s*<Property Name="drugs" Type="Edm.Double" Nullable="true"\/>/,
    );
    expect(xml).toMatch(
      /<EntityType Name="UntypedData">[\s\S]*?<Property Name="drugs" Type="Edm.String" Nullable="true"\/>/,
    );
    expect(xml).toMatch(/<EntityType Name="RegioSCategory">\s*<Key><PropertyRef Name="Key"\/>/);
    // Escaped, and well formed enough for a naive tag balance.
    expect(xml.match(/<EntityType /g)?.length).toBe(xml.match(/<\/EntityType>/g)?.length);
  });
});

describe('metadata sets', () => {
  it('TableInfos is one row describing the release', async () => {
    const b = await body(`${FEED}/TableInfos?$format=json`);
    expect(b['odata.metadata']).toBe(`${BASE}${FEED}/$metadata#TableInfos`);
    expect(b.value).toHaveLength(1);
    expect(b.value[0]).toMatchObject({
      ID: 1,
      Identifier: 'r1',
      OutputStatus: 'Regulier',
      ReasonDelivery: 'Eerste publicatie.',
      Source: 'Samenzicht',
      Language: 'nl',
      Catalog: 'Samenzicht',
      Period: '2022–2023',
      Version: 1,
      License: 'CC BY 4.0',
    });
    for (const k of [
      'Title',
      'ShortTitle',
      'Summary',
      'Modified',
      'MetaDataModified',
      'Description',
    ])
      expect(typeof (b.value[0] as Row)[k], k).toBe('string');
  });

  it('DataProperties: dimensions in column order, then topic groups with their topics', async () => {
    const props = await all(`${API}/DataProperties`);
    const typed = await body(`${FEED}/TypedDataSet?$top=1`);
    const columns = Object.keys(typed.value[0] as Row).slice(1); // without ID
    expect(props.slice(0, 3)).toMatchObject([
      {
        ID: 0,
        Position: 0,
        ParentID: null,
        Type: 'Dimension',
        Key: 'Breakdown',
        ReleasePolicy: false,
      },
      { ID: 1, Position: 1, Type: 'GeoDimension', Key: 'RegioS', MapYear: 2023 },
      { ID: 2, Position: 2, Type: 'TimeDimension', Key: 'Perioden', ReleasePolicy: true },
    ]);
    expect(props.map((p) => p['ID'])).toEqual(props.map((_, i) => i));
    const byId = new Map(props.map((p) => [p['ID'], p]));
    // Every column of the data sets is a DataProperty at its Position; groups have none.
    const positioned = props.filter((p) => p['Position'] !== null);
    expect(positioned.map((p) => p['Key'])).toEqual(columns);
    expect(positioned.map((p) => p['Position'])).toEqual(columns.map((_, i) => i));
    const topics = props.filter((p) => p['Type'] === 'Topic');
    expect(topics.map((p) => p['Key']).sort()).toEqual(
      INDICATORS.flatMap((i) => figuresOf(i.kind).map((f) => measureId(i.id, f))).sort(),
    );
    for (const t of topics) {
      const group = byId.get(t['ParentID']) as Row;
      expect(group['Type']).toBe('TopicGroup');
      const theme = byId.get(group['ParentID']) as Row;
      expect(theme['Type']).toBe('TopicGroup');
      expect(theme['ParentID']).toBeNull();
      expect(['Double', 'Long']).toContain(t['Datatype']);
      expect(t['Default']).toBe('Missing');
      expect(typeof t['Decimals']).toBe('number');
    }
    expect(topics.find((t) => t['Key'] === 'drugs')).toMatchObject({
      Title: 'Drugsverdachten per 1.000 inwoners',
      Unit: 'per 1.000 inwoners',
      Decimals: 2,
      PresentationType: 'Relative',
    });
    const themes = props.filter((p) => p['Type'] === 'TopicGroup' && p['ParentID'] === null);
    expect(themes.map((t) => t['Title'])).toEqual(['Drugs', 'Jonge aanwas', 'Context']);
    for (const d of props.slice(0, 3)) expect(d['Datatype']).toBeNull();
  });

  it('code tables are named like the dimensions, with Key, Title and CategoryGroupID', async () => {
    const groups = await all(`${API}/CategoryGroups`);
    const groupIds = new Map(groups.map((g) => [g['ID'], g]));
    expect(groups.map((g) => g['ID'])).toEqual(groups.map((_, i) => i + 1));
    for (const g of groups) {
      expect(['Perioden', 'RegioS', 'Breakdown']).toContain(g['DimensionKey']);
      if (g['ParentID'] !== null)
        expect((groupIds.get(g['ParentID']) as Row)['DimensionKey']).toBe(g['DimensionKey']);
    }
    const years = groups.find((g) => g['DimensionKey'] === 'Perioden') as Row;
    expect(years['Title']).toBe('Jaren');
    const perioden = await all(`${API}/Perioden`);
    expect(perioden).toEqual(
      ['2022', '2023'].map((y) => ({
        Key: `${y}JJ00`,
        Title: y,
        Description: '',
        CategoryGroupID: years['ID'],
        Status: 'Definitief',
      })),
    );
    const regions = await all(`${API}/RegioS`);
    expect(regions.map((r) => r['Key'])).toEqual([
      'NL01',
      'VR13',
      'VR15',
      'GM0363',
      'GM0518',
      'WK036300',
    ]);
    expect(regions.find((r) => r['Key'] === 'GM0518')).toMatchObject({
      Title: "'s-Gravenhage",
      Level: 'gemeente',
      ParentKey: 'VR15',
    });
    const breakdowns = await all(`${API}/Breakdown`);
    expect(breakdowns.map((r) => [r['Key'], r['Title']])).toEqual([
      ['T001', 'Totaal'],
      ['geslacht=man', 'man'],
      ['geslacht=vrouw', 'vrouw'],
    ]);
    for (const [name, rows] of [
      ['Perioden', perioden],
      ['RegioS', regions],
      ['Breakdown', breakdowns],
    ] as const) {
      for (const r of rows)
        expect((groupIds.get(r['CategoryGroupID']) as Row)['DimensionKey'], name).toBe(name);
    }
  });
});

describe('TypedDataSet and UntypedDataSet', () => {
  let typed: Row[];
  let untyped: Row[];
  beforeAll(async () => {
    typed = await all(`${FEED}/TypedDataSet?$format=json`);
    untyped = await all(`${FEED}/UntypedDataSet?$format=json`);
  });

  it('has one row per combination, ordered by Breakdown, RegioS and Perioden', async () => {
    const combos = new Set(R1.map(keyOfCell));
    expect(typed).toHaveLength(combos.size);
    expect(typed.map((r) => r['ID'])).toEqual(typed.map((_, i) => i));
    const order = async (set: string) => (await all(`${API}/${set}`)).map((r) => r['Key']);
    const b = await order('Breakdown');
    const reg = await order('RegioS');
    const per = await order('Perioden');
    const rank = (r: Row) => [
      b.indexOf(r['Breakdown']),
      reg.indexOf(r['RegioS']),
      per.indexOf(r['Perioden']),
    ];
    for (let i = 1; i < typed.length; i++) {
      const [x, y] = [rank(typed[i - 1] as Row), rank(typed[i] as Row)];
      const cmp = x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
      expect(cmp).toBeLessThan(0);
    }
    expect(untyped.map((r) => [r['ID'], r['Breakdown'], r['RegioS'], r['Perioden']])).toEqual(
      typed.map((r) => [r['ID'], r['Breakdown'], r['RegioS'], r['Perioden']]),
    );
  });

  it('holds every published figure exactly; a secret is null (typed) and "." (untyped)', () => {
    const typedBy = new Map(typed.map((r) => [rowKey(...dims(r)), r]));
    const untypedBy = new Map(untyped.map((r) => [rowKey(...dims(r)), r]));
    const seen = new Set<string>();
    let secrets = 0;
    for (const c of R1) {
      const t = typedBy.get(keyOfCell(c)) as Row;
      const u = untypedBy.get(keyOfCell(c)) as Row;
      for (const f of figuresOf(KIND.get(c.indicator_id) as string)) {
        const id = measureId(c.indicator_id, f);
        seen.add(`${keyOfCell(c)}|${id}`);
        if (c.status === 'published') {
          expect(t[id], id).toBe(c[f]);
          expect(u[id], id).toBe(c[f] === null ? null : String(c[f]));
        } else {
          expect(t[id], id).toBeNull();
          expect(u[id], id).toBe(c.status === 'confidential' ? '.' : null);
          if (c.status === 'confidential') secrets++;
        }
      }
    }
    expect(secrets).toBeGreaterThan(0);
    // A combination where an indicator has no cell is null in both.
    for (const r of typed) {
      for (const id of Object.keys(r).slice(4)) {
        if (seen.has(`${rowKey(...dims(r))}|${id}`)) continue;
        expect(r[id]).toBeNull();
        expect((untypedBy.get(rowKey(...dims(r))) as Row)[id]).toBeNull();
      }
    }
    const inkomen = typedBy.get(rowKey('T001', 'WK036300', '2023JJ00')) as Row;
    expect(inkomen['inkomen']).toBeNull(); // inkomen is published for gemeenten only
  });

  it('$filter as cbsodataR writes it, with and/or/substringof, matches the rows (property)', async () => {
    const regionCodes = REGIONS.map((r) => r.code);
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(regionCodes, { minLength: 1 }),
        fc.option(fc.constantFrom('2022JJ00', '2023JJ00'), { nil: undefined }),
        fc.option(fc.constantFrom('GM', 'VR', '36', 'NL'), { nil: undefined }),
        async (regions, period, substring) => {
          const parts: string[] = [];
          if (period !== undefined) parts.push(`(Perioden eq '${period}')`);
          parts.push(`(${regions.map((r) => `RegioS eq '${r}'`).join(' or ')})`);
          if (substring !== undefined) parts.push(`(substringof('${substring}', RegioS))`);
          const filter = parts.join(' and ');
          const got = await all(`${FEED}/TypedDataSet?${q({ $format: 'json', $filter: filter })}`);
          const want = typed.filter(
            (r) =>
              (period === undefined || r['Perioden'] === period) &&
              regions.includes(r['RegioS'] as (typeof regionCodes)[number]) &&
              (substring === undefined || (r['RegioS'] as string).includes(substring)),
          );
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('$top and $skip page like server-driven paging (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: typed.length + 2 }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        async (skip, top) => {
          const params: Record<string, string> = { $skip: String(skip) };
          if (top !== undefined) params['$top'] = String(top);
          const b = await body(`${FEED}/TypedDataSet?${q(params)}`);
          const take = Math.min(top ?? Infinity, 3);
          expect(b.value).toEqual(typed.slice(skip, skip + take));
          const more = (top ?? Infinity) > 3 && skip + 3 < typed.length;
          expect('odata.nextLink' in b).toBe(more);
          // Following the links gives exactly $top rows (or the rest) after $skip.
          const rest = await all(`${FEED}/TypedDataSet?${q(params)}`);
          expect(rest).toEqual(typed.slice(skip, top === undefined ? undefined : skip + top));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('startswith, endswith, not, ne and numeric comparisons on topics', async () => {
    const cases: [string, (r: Row) => boolean][] = [
      ["startswith(RegioS, 'GM')", (r) => (r['RegioS'] as string).startsWith('GM')],
      ["endswith(RegioS, '63')", (r) => (r['RegioS'] as string).endsWith('63')],
      ["not (Breakdown eq 'T001')", (r) => r['Breakdown'] !== 'T001'],
      [
        "Breakdown ne 'T001' and RegioS eq 'WK036300'",
        (r) => r['Breakdown'] !== 'T001' && r['RegioS'] === 'WK036300',
      ],
      ['drugs gt 5', (r) => typeof r['drugs'] === 'number' && r['drugs'] > 5],
      ['inkomen eq null', (r) => r['inkomen'] === null],
    ];
    for (const [filter, holds] of cases) {
      const got = await all(`${FEED}/TypedDataSet?${q({ $filter: filter })}`);
      expect(got, filter).toEqual(typed.filter(holds));
      expect(got.length, filter).toBeGreaterThan(0);
    }
  });

  it('$select, $orderby, $inlinecount and $count', async () => {
    const sel = await body(`${FEED}/TypedDataSet?$select=RegioS,drugs&$top=2`);
    expect(sel.value).toEqual(
      typed.slice(0, 2).map((r) => ({ RegioS: r['RegioS'], drugs: r['drugs'] })),
    );
    expect(sel['odata.metadata']).toBe(
      `${BASE}${FEED}/$metadata#TypedDataSet&$select=RegioS,drugs`,
    );
    const ordered = await all(
      `${FEED}/TypedDataSet?${q({ $orderby: 'inwoners desc,ID', $select: 'ID,inwoners' })}`,
    );
    const sorted = [...typed].sort(
      (a, b) =>
        ((b['inwoners'] as number | null) ?? -Infinity) -
          ((a['inwoners'] as number | null) ?? -Infinity) ||
        (a['ID'] as number) - (b['ID'] as number),
    );
    expect(ordered).toEqual(sorted.map((r) => ({ ID: r['ID'], inwoners: r['inwoners'] })));
    const counted = await body(
      `${FEED}/TypedDataSet?${q({ $filter: "RegioS eq 'GM0363'", $inlinecount: 'allpages' })}`,
    );
    expect(counted['odata.count']).toBe('6');
    expect(counted.value).toHaveLength(3);
    expect(Object.keys(counted)).toEqual([
      'odata.metadata',
      'odata.count',
      'value',
      'odata.nextLink',
    ]);
    const none = await body(`${FEED}/TypedDataSet?$inlinecount=none`);
    expect('odata.count' in none).toBe(false);
    const count = await get(`${FEED}/TypedDataSet/$count?${q({ $filter: "RegioS eq 'GM0363'" })}`);
    expect(count.statusCode).toBe(200);
    expect(count.headers['content-type']).toBe('text/plain;charset=utf-8');
    expect(count.body).toBe('6');
    expect((await get(`${API}/TypedDataSet/$count`)).body).toBe(String(typed.length));
  });

  it('next links keep every other option and honour Prefer: odata.maxpagesize', async () => {
    const filter = "RegioS eq 'GM0363' or RegioS eq 'GM0518'";
    const first = await body(
      `${API}/UntypedDataSet?${q({ $filter: filter, $select: 'ID,RegioS,jeugd', $format: 'json' })}`,
    );
    const link = first['odata.nextLink'] as string;
    expect(link.startsWith(`${BASE}${API}/UntypedDataSet?`)).toBe(true);
    const params = new URL(link).searchParams;
    expect(params.get('$filter')).toBe(filter);
    expect(params.get('$select')).toBe('ID,RegioS,jeugd');
    expect(params.get('$format')).toBe('json');
    expect(params.get('$skip')).toBe('3');
    const small = await get(`${FEED}/TypedDataSet`, { prefer: 'odata.maxpagesize=2' });
    expect(small.headers['preference-applied']).toBe('odata.maxpagesize=2');
    expect((small.json() as Body).value).toHaveLength(2);
  });
});

describe('errors, versions and caching', () => {
  it('rejects what it does not serve with a v3 error naming the problem', async () => {
    expectError(await get(`${FEED}/TypedDataSet?$format=atom`), 400, 'JSON only');
    expectError(await get(`${FEED}/TypedDataSet?$format=xml`), 400, 'JSON only');
    expectError(
      await get(`${FEED}/TypedDataSet?${q({ $format: 'application/json;odata=verbose' })}`),
      400,
      'JSON only',
    );
    expectError(await get(`${FEED}/TypedDataSet?$expand=RegioS`), 400, '$expand', 'not supported');
    expectError(
      await get(`${FEED}/TypedDataSet?${q({ $filter: "Regio eq 'GM0363'" })}`),
      400,
      "unknown property 'Regio'",
      'position 1',
    );
    expectError(
      await get(
        `${FEED}/TypedDataSet?${q({ $filter: "RegioS eq 'GM0363' and contains(RegioS, 'GM')" })}`,
      ),
      400,
      "function 'contains' is not supported",
      'position 24',
    );
    expectError(await get(`${FEED}/TypedDataSet?$select=Nope`), 400, "unknown property 'Nope'");
    expectError(await get(`${FEED}/TypedDataSet?$top=-1`), 400, '$top');
    expectError(await get(`${FEED}/TypedDataSet?$inlinecount=yes`), 400, '$inlinecount');
    expectError(await get(`${FEED}/TypedDataSet?$orderby=RegioS%20up`), 400, '$orderby');
    expectError(await get(`${FEED}/TypedDataSet?$skip=1&$skip=2`), 400, 'only once');
    expectError(await get(`${FEED}/?$top=1`), 400, '$top');
    // JSON is the default, whatever the client accepts.
    const plain = await get(`${API}/Perioden`, { accept: 'application/atom+xml' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toContain('application/json');
  });

  it('404 for an unknown table or set, 410 for a withdrawn release', async () => {
    expectError(await get('/ODataFeed/OData/nope/TypedDataSet'), 404, "release 'nope' not found");
    expectError(await get('/ODataApi/OData/r3'), 404, "release 'r3' not found");
    expectError(
      await get(`${FEED}/Observations`),
      404,
      "unknown entity set 'Observations'",
      'TypedDataSet',
    );
    expectError(await get(`${FEED}/Observations/$count`), 404, 'Observations');
    expectError(await get('/ODataCatalog/Datasets'), 404, 'Datasets');
    for (const url of [
      '/ODataApi/OData/r0',
      '/ODataFeed/OData/r0/TypedDataSet',
      '/ODataApi/OData/r0/$metadata',
    ])
      expectError(await get(url), 410, 'withdrawn');
  });

  it('speaks DataServiceVersion 3.0 and refuses a client that accepts less', async () => {
    expectError(
      await get(`${FEED}/TableInfos`, { maxdataserviceversion: '2.0' }),
      400,
      'OData 3.0',
      '2.0',
    );
    expectError(
      await get('/ODataCatalog/Tables', { maxdataserviceversion: '1.0;NetFx' }),
      400,
      '3.0',
    );
    for (const v of ['3.0', '3.0;NetFx', '4.0']) {
      const res = await get(`${FEED}/TableInfos`, { maxdataserviceversion: v });
      expect(res.statusCode, v).toBe(200);
      expect(res.headers['dataserviceversion']).toBe('3.0;');
    }
  });

  it('latest resolves to the newest release, and its links name that release', async () => {
    const res = await get('/ODataFeed/OData/latest/TypedDataSet');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    const b = res.json() as Body;
    expect(b['odata.metadata']).toBe(`${BASE}/ODataFeed/OData/r2/$metadata#TypedDataSet`);
    expect(b['odata.nextLink']).toBe(`${BASE}/ODataFeed/OData/r2/TypedDataSet?$skip=3`);
    const info = await body('/ODataApi/OData/latest/TableInfos');
    expect(info.value[0]).toMatchObject({
      Identifier: 'r2',
      Version: 2,
      OutputStatus: 'Gewijzigd',
    });
  });

  it('answers If-None-Match with 304', async () => {
    const first = await get(`${FEED}/RegioS`);
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(`${FEED}/RegioS`, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.headers['dataserviceversion']).toBe('3.0;');
  });
});

describe('paths in any case (canonicalV3Url)', () => {
  it('rewrites the v3 prefixes only, leaving the rest and the query untouched', () => {
    expect(canonicalV3Url('/odatafeed/odata/r1/TypedDataSet?$filter=x')).toBe(
      '/ODataFeed/OData/r1/TypedDataSet?$filter=x',
    );
    expect(canonicalV3Url('/ODATAAPI/odata/r1')).toBe('/ODataApi/OData/r1');
    expect(canonicalV3Url('/odatacatalog/Tables?$format=json')).toBe(
      '/ODataCatalog/Tables?$format=json',
    );
    expect(canonicalV3Url('/odatacatalog?x=/odatafeed/odata/')).toBe(
      '/ODataCatalog?x=/odatafeed/odata/',
    );
    expect(canonicalV3Url('/ODataFeed/OData/r1')).toBe('/ODataFeed/OData/r1');
    expect(canonicalV3Url('//ODataFeed/odata/r1/')).toBe('/ODataFeed/OData/r1/');
    for (const other of [
      '/odata/v4/Observations',
      '/odatacatalogue/x',
      '/api/v1/odatafeed/odata/',
      '/odataapi/odatax',
    ])
      expect(canonicalV3Url(other)).toBe(other);
  });

  it('serves the paths and set names in any case', async () => {
    expect((await body('/odatacatalog/tables?$format=json')).value).toHaveLength(2);
    expect((await body('/odataapi/odata/r1/dataproperties')).value.length).toBeGreaterThan(0);
    const typed = await body('/ODATAFEED/odata/r1/typeddataset');
    expect(typed['odata.metadata']).toBe(`${BASE}${FEED}/$metadata#TypedDataSet`);
    expect(typed['odata.nextLink']).toBe(`${BASE}${FEED}/TypedDataSet?$skip=3`);
  });
});

describe('OpenAPI', () => {
  it('documents the main paths, hides the duplicates, and every documented path answers', async () => {
    const s = await buildApp(3, true);
    try {
      const spec = s.swagger() as { paths: Record<string, { get?: { tags?: string[] } }> };
      const paths = Object.keys(spec.paths);
      for (const p of [
        '/ODataCatalog/',
        '/ODataCatalog/$metadata',
        '/ODataCatalog/Tables',
        '/ODataApi/OData/{id}',
        '/ODataApi/OData/{id}/$metadata',
        '/ODataApi/OData/{id}/{set}',
        '/ODataApi/OData/{id}/{set}/$count',
        '/ODataFeed/OData/{id}',
        '/ODataFeed/OData/{id}/{set}',
      ])
        expect(paths, p).toContain(p);
      for (const p of ['/ODataFeed/OData/{id}/', '/ODataCatalog', '/ODataCatalog/{set}'])
        expect(paths, p).not.toContain(p);
      for (const [p, ops] of Object.entries(spec.paths))
        expect(ops.get?.tags, p).toEqual(['open data']);
      // As the crawler substitutes them.
      for (const p of paths) {
        for (const id of ['r1', 'latest']) {
          const url = p.replace('{id}', id).replace('{set}', 'Observations');
          const res = await get(url, {}, s);
          expect(res.statusCode, url).toBe(p.includes('{set}') ? 404 : 200);
        }
      }
    } finally {
      await s.close();
    }
  });
});

// ---- client replays ------------------------------------------------------------------------

describe('Python cbsodata (v3) replay', () => {
  /** `_download_metadata`: requests adds `params` to every URL, the next links included. */
  async function download(url: string, params: Record<string, string>): Promise<Row[]> {
    const data: Row[] = [];
    let next: string | null = url;
    while (next !== null) {
      const encoded = new URLSearchParams(params).toString();
      const full: string = encoded ? `${next}${next.includes('?') ? '&' : '?'}${encoded}` : next;
      const res = await get(local(full));
      expect(res.statusCode, `${full}: ${res.body}`).toBe(200); // raise_for_status
      const b = res.json() as Body;
      data.push(...b.value);
      next = (b['odata.nextLink'] as string | undefined) ?? null;
    }
    return data;
  }

  /** `get_data(table_id, typed=False, select, filters)` with `catalog_url` set to our host. */
  async function getData(tableId: string, select?: string[], filters?: string) {
    const tableUrl = `${BASE}/ODataFeed/odata/${tableId}/`;
    const tables = await download(tableUrl, { $format: 'json' });
    const names = tables.map((t) => t['name'] as string);
    for (const t of tables)
      expect(t['url']).toBe(`${BASE}/ODataFeed/OData/${tableId}/${t['name']}`);
    // download_data removes 'UntypedDataSet' when typed is False (sic) and fetches the rest.
    names.splice(names.indexOf('UntypedDataSet'), 1);
    const metadata: Record<string, Row[]> = {};
    for (const name of names) {
      const params: Record<string, string> = { $format: 'json' };
      if (name === 'TypedDataSet' || name === 'UntypedDataSet') {
        if (select) params['$select'] = select.join(',');
        if (filters) params['$filter'] = filters;
      }
      metadata[name] = await download(tableUrl + name, params);
    }
    const data = (metadata['TypedDataSet'] ?? metadata['UntypedDataSet']) as Row[];
    const exclude = [
      'TableInfos',
      'TypedDataSet',
      'UntypedDataSet',
      'DataProperties',
      'CategoryGroups',
    ];
    const normCols = Object.keys(metadata).filter((k) => !exclude.includes(k));
    const lookups = new Map<string, Map<unknown, Row>>();
    for (const col of normCols) {
      const byKey = new Map<unknown, Row>();
      for (const r of metadata[col] as Row[]) {
        expect('Key' in r, `${col} rows have a Key`).toBe(true); // r['Key'] would raise
        byKey.set(r['Key'], r);
      }
      lookups.set(col, byKey);
    }
    const labelled = data.map((row) => {
      const out = { ...row };
      for (const col of normCols) {
        const hit = lookups.get(col)?.get(row[col]);
        if (col in row && hit) out[col] = hit['Title'];
      }
      return out;
    });
    return { metadata, data, labelled, normCols };
  }

  it('get_table_list reads value from ODataCatalog/Tables', async () => {
    const res = await get(local(`${BASE}/ODataCatalog/Tables?$format=json`));
    const tables = (res.json() as Body).value;
    expect(tables.map((t) => t['Identifier'])).toEqual(['r1', 'r2']);
    expect(tables.every((t) => typeof t['Title'] === 'string')).toBe(true);
  });

  it('get_data downloads every set, follows the next links and labels the codes', async () => {
    const { metadata, data, labelled, normCols } = await getData('r1');
    expect(normCols.sort()).toEqual(['Breakdown', 'Perioden', 'RegioS']);
    expect(metadata['TableInfos']).toHaveLength(1);
    expect(data).toHaveLength(new Set(R1.map(keyOfCell)).size);
    for (const [row, l] of data.map((r, i) => [r, labelled[i] as Row] as const)) {
      expect(l['Perioden']).toBe((row['Perioden'] as string).slice(0, 4));
      expect(l['RegioS']).toBe(NAMES.get(row['RegioS'] as string));
    }
    const codes = new Set((metadata['Breakdown'] as Row[]).map((r) => r['Key']));
    for (const row of data) expect(codes.has(row['Breakdown'])).toBe(true);
  });

  it('get_data with select and filters (sent twice from the second page on)', async () => {
    const { data } = await getData(
      'r1',
      ['ID', 'Perioden', 'RegioS', 'drugs'],
      "RegioS eq 'GM0363' or RegioS eq 'WK036300'",
    );
    expect(data).toHaveLength(12); // 2 regions × 3 breakdowns × 2 years, over 4 pages
    for (const r of data) {
      expect(Object.keys(r)).toEqual(['ID', 'Perioden', 'RegioS', 'drugs']);
      expect(['GM0363', 'WK036300']).toContain(r['RegioS']);
    }
  });
});

describe('R cbsodataR replay', () => {
  // cbsodataR reads only the first page of a metadata set (resolve_resource takes `$value`), so
  // the metadata must fit one page: a page as large as the code tables, smaller than the data.
  let rApp: FastifyInstance;
  beforeAll(async () => {
    rApp = await buildApp(25);
  });
  afterAll(async () => {
    await rApp.close();
  });

  /** R's URLencode(url): spaces and the like, leaving reserved characters as they are. */
  const urlencode = (url: string) => encodeURI(url);
  const fromJSON = async (url: string): Promise<Body> => {
    const res = await get(local(url), {}, rApp);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as Body;
  };

  async function cbsGetMeta(id: string): Promise<Record<string, Row[]>> {
    const top = (await fromJSON(urlencode(`${BASE}/ODataApi/odata/${id}`))).value;
    const meta: Record<string, Row[]> = {};
    for (const t of top.filter(
      (x) => !['TypedDataSet', 'UntypedDataSet'].includes(x['name'] as string),
    )) {
      const b = await fromJSON(urlencode(t['url'] as string));
      expect(b['odata.nextLink'], `${t['name']} fits one page`).toBeUndefined();
      meta[t['name'] as string] = b.value;
    }
    return meta;
  }

  it('cbs_get_toc reads the Tables and converts the dates', async () => {
    const tables = (await fromJSON(`${BASE}/ODataCatalog/Tables?$format=json`)).value;
    expect(tables.map((t) => t['Identifier'])).toEqual(['r1', 'r2']);
    for (const t of tables)
      for (const col of ['Updated', 'Modified', 'MetaDataModified'])
        expect(Number.isNaN(Date.parse(t[col] as string)), col).toBe(false);
  });

  it('cbs_get_meta, get_row_count and cbs_download_data with a filter, paging to the end', async () => {
    const meta = await cbsGetMeta('r1');
    expect(Object.keys(meta)).toEqual([
      'TableInfos',
      'DataProperties',
      'CategoryGroups',
      'Breakdown',
      'RegioS',
      'Perioden',
    ]);
    // get_row_count: the rows of DataProperties whose Type does not contain "Topic" are the
    // dimensions, and meta[dims$Key] their code tables.
    const dimsKeys = (meta['DataProperties'] as Row[])
      .filter((p) => !(p['Type'] as string).includes('Topic'))
      .map((p) => p['Key'] as string);
    expect(dimsKeys).toEqual(['Breakdown', 'RegioS', 'Perioden']);
    const sizes = dimsKeys.map((k) => (meta[k] as Row[]).length);
    expect(sizes).toEqual([3, 6, 2]);
    const timeKey = (meta['DataProperties'] as Row[]).find((p) => p['Type'] === 'TimeDimension');
    expect(timeKey?.['Key']).toBe('Perioden');

    // cbs_download_data("r1", Perioden = "2023JJ00", RegioS = has_substring("GM") | "NL01")
    const filter = "(Perioden eq '2023JJ00') and (substringof('GM', RegioS) or RegioS eq 'NL01')";
    let url: string | undefined = urlencode(
      `${BASE}/ODataFeed/odata/r1/TypedDataSet?$format=json&$filter=${filter}`,
    );
    const rows: Row[] = [];
    let pages = 0;
    while (url !== undefined) {
      const res: Body = await fromJSON(url);
      rows.push(...res.value);
      url = res['odata.nextLink'] as string | undefined;
      if (url !== undefined) {
        const skip = url.replace(/.+skip=(\w+)/, '$1'); // as cbsodataR shows progress
        expect(skip).toBe(String(rows.length));
      }
      pages++;
    }
    expect(pages).toBe(1); // 3 regions × 3 breakdowns: one page of 25
    expect(rows).toHaveLength(9);

    // All of the data: two pages; read.csv then drops the first column (ID).
    const everything: Row[] = [];
    let next: string | undefined = `${BASE}/ODataFeed/odata/r1/TypedDataSet?$format=json`;
    while (next !== undefined) {
      const res: Body = await fromJSON(next);
      everything.push(...res.value);
      next = res['odata.nextLink'] as string | undefined;
    }
    expect(everything).toHaveLength(36);
    for (const r of everything) {
      expect(Object.keys(r)[0]).toBe('ID');
      // store_labels: every code of a dimension column is a Key of its code table.
      for (const k of dimsKeys)
        expect(
          (meta[k] as Row[]).some((c) => c['Key'] === r[k]),
          `${k} ${String(r[k])}`,
        ).toBe(true);
    }
  });
});

// ---- the model directly --------------------------------------------------------------------

describe('buildV3Model', () => {
  it('writes untyped figures as plain decimals, never in exponent notation', () => {
    expect([2.5, 17300000, 0, 1e21, 1e-7].map(decimalString)).toEqual([
      '2.5',
      '17300000',
      '0',
      '1000000000000000000000',
      '0.0000001',
    ]);
  });

  const identity = datasetIdentity('Samenzicht', RELEASES[1] as ReleaseSummary, {
    version: 1,
    status: 'Regulier',
    reason: 'Eerste publicatie.',
  });

  it('rebuilds every cell of a random release from the TypedDataSet (property)', () => {
    const cellArb = fc.record({
      indicator: fc.constantFrom(...INDICATORS.map((i) => i.id)),
      year: fc.integer({ min: 2019, max: 2024 }),
      region: fc.constantFrom(...REGIONS),
      breakdown: fc.constantFrom(...BREAKDOWNS),
      status: fc.constantFrom('published', 'published', 'confidential', 'not-applicable'),
    });
    fc.assert(
      fc.property(fc.array(cellArb, { maxLength: 60 }), (specs) => {
        const seen = new Set<string>();
        const cells: PublicCell[] = [];
        for (const s of specs) {
          const key = `${s.indicator}|${s.year}|${s.region.code}|${s.breakdown}`;
          if (seen.has(key)) continue;
          seen.add(key);
          cells.push(
            cell(
              s.indicator,
              s.year,
              s.region,
              s.breakdown,
              cells.length,
              s.status as PublicCell['status'],
            ),
          );
        }
        const dataset = buildDataset({
          identity,
          mapYear: 2023,
          cells,
          indicators: INDICATORS,
          regionName: (c) => NAMES.get(c),
        });
        const model = buildV3Model(dataset);
        const typed = findSet(model, 'typeddataset');
        const untyped = findSet(model, 'UNTYPEDDATASET');
        if (!typed || !untyped) throw new Error('no data sets');
        expect(tableShape(cells, INDICATORS)).toEqual({
          records: typed.size,
          columns: typed.properties.length - 1,
        });
        expect(typed.size).toBe(new Set(cells.map(keyOfCell)).size);
        const rowOf = new Map<string, number>();
        for (let i = 0; i < typed.size; i++)
          rowOf.set(
            rowKey(
              ...(['Breakdown', 'RegioS', 'Perioden'].map((d) => typed.column(d)(i)) as [
                string,
                string,
                string,
              ]),
            ),
            i,
          );
        for (const c of cells) {
          const i = rowOf.get(keyOfCell(c)) as number;
          expect(typed.lookup('RegioS', c.region_code)).toContain(i);
          for (const f of figuresOf(KIND.get(c.indicator_id) as string)) {
            const id = measureId(c.indicator_id, f);
            expect(typed.column(id)(i)).toBe(c.status === 'published' ? c[f] : null);
            const u = untyped.column(id)(i);
            if (c.status === 'confidential') expect(u).toBe('.');
            else if (c.status === 'not-applicable' || c[f] === null) expect(u).toBeNull();
            else expect(Number(u)).toBe(c[f]);
          }
        }
        expect(metadataXmlV3(model)).toContain(
          `<EntitySet Name="TypedDataSet" EntityType="Samenzicht.OData.TypedData"/>`,
        );
      }),
      { numRuns: 60 },
    );
  });
});
