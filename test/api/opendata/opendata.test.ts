import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  opendataRoutes,
  type PublicCell,
  type ReleaseSource,
} from '../../../src/api/opendata/index.js';

const row = (
  p: Partial<PublicCell> & Pick<PublicCell, 'indicator_id' | 'year' | 'region_code'>,
): PublicCell => ({
  region_level: p.region_code.startsWith('NL')
    ? 'nederland'
    : p.region_code.startsWith('GM')
      ? 'gemeente'
      : 'buurt',
  parent_code: p.region_code.startsWith('NL') ? null : 'NL01',
  breakdown: '',
  value: 1,
  numerator: 10,
  denominator: 1000,
  status: 'published',
  ...p,
});

const R1: PublicCell[] = [
  row({
    indicator_id: 'drugs',
    year: 2022,
    region_code: 'NL01',
    value: 2.5,
    numerator: 43000,
    denominator: 17200000,
  }),
  row({
    indicator_id: 'drugs',
    year: 2023,
    region_code: 'NL01',
    value: 2.6,
    numerator: 45000,
    denominator: 17300000,
  }),
  row({
    indicator_id: 'drugs',
    year: 2023,
    region_code: 'GM0363',
    value: 4.1,
    numerator: 3600,
    denominator: 880000,
  }),
  row({
    indicator_id: 'drugs',
    year: 2023,
    region_code: 'GM0518',
    value: 3.2,
    numerator: 1800,
    denominator: 560000,
  }),
  row({
    indicator_id: 'drugs',
    year: 2023,
    region_code: 'GM9999',
    value: null,
    numerator: null,
    denominator: null,
    status: 'confidential',
  }),
  row({
    indicator_id: 'drugs',
    year: 2023,
    region_code: 'GM0363',
    breakdown: 'geslacht=V',
    value: null,
    numerator: null,
    denominator: null,
    status: 'confidential',
  }),
  row({
    indicator_id: 'jeugd',
    year: 2023,
    region_code: 'GM0363',
    value: 0,
    numerator: 0,
    denominator: 0,
    status: 'not-applicable',
  }),
];
R1[6] = { ...(R1[6] as PublicCell), value: null, numerator: null, denominator: null };

const dir = mkdtempSync(join(tmpdir(), 'opendata-'));
const parquet = join(dir, 'cells.parquet');
writeFileSync(parquet, Buffer.from('PAR1 fake bytes for streaming PAR1'));

const source: ReleaseSource = {
  async list() {
    return [
      {
        id: 'r1',
        status: 'published',
        createdAt: '2026-01-01T00:00:00Z',
        publishedAt: '2026-01-02T00:00:00Z',
        years: [2022, 2023],
        regionSet: { year: 2024, kind: 'cbs', attribution: 'Bron: CBS, Kadaster' },
      },
      {
        id: 'r2',
        status: 'candidate',
        createdAt: '2026-02-01T00:00:00Z',
        publishedAt: null,
        years: [2022, 2023],
        regionSet: null,
      },
      {
        id: 'r0',
        status: 'withdrawn',
        createdAt: '2025-12-01T00:00:00Z',
        publishedAt: '2025-12-02T00:00:00Z',
        years: [2022],
        regionSet: null,
      },
    ];
  },
  async cells(id) {
    if (id === 'r1') return R1;
    if (id === 'r2') return R1.slice(0, 2);
    throw new Error(`no cells for ${id}`);
  },
  parquetPath: async (id) => (id === 'r1' ? parquet : null),
  indicators: () => [
    {
      id: 'drugs',
      title: { nl: 'Drugsverdachten per 1.000 inwoners', en: 'Drug suspects per 1,000 residents' },
      unit: 'verdachten',
      kind: 'count',
    },
    {
      id: 'jeugd',
      title: { nl: 'Jeugdige verdachten', en: 'Young suspects' },
      unit: '%',
      kind: 'percentage',
    },
  ],
  regionName: (code) => ({ NL01: 'Nederland', GM0363: 'Amsterdam', GM0518: "'s-Gravenhage" })[code],
  latestPublishedId: async () => 'r1',
};

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await app.register(opendataRoutes, {
    releases: source,
    pageSize: 3,
    publicBaseUrl: 'https://data.example.nl',
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });
const json = async (url: string) => {
  const res = await get(url);
  return {
    res,
    body: res.json() as Record<string, unknown> & { value: Record<string, unknown>[] },
  };
};

describe('cells.csv', () => {
  it('writes the documented header with a BOM, CBS dots for confidential and blanks for not-applicable', async () => {
    const res = await get('/api/v1/releases/r1/cells.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="samenzicht-r1.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFindicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status',
    );
    expect(lines[1]).toBe('drugs,2022,nederland,NL01,,,2.5,43000,17200000,published');
    expect(lines[5]).toBe('drugs,2023,gemeente,GM9999,NL01,,.,.,.,confidential');
    expect(lines[6]).toBe('drugs,2023,gemeente,GM0363,NL01,geslacht=V,.,.,.,confidential');
    expect(lines[7]).toBe('jeugd,2023,gemeente,GM0363,NL01,,,,,not-applicable');
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('');
  });

  it('filters like the cells API and names the file after the filter', async () => {
    const res = await get(
      '/api/v1/releases/latest/cells.csv?indicator=drugs&year=2023&level=gemeente',
    );
    expect(res.statusCode).toBe(200);
    expect(
      res.body
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[3]),
    ).toEqual(['GM0363', 'GM0518', 'GM9999', 'GM0363']);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="samenzicht-r1-drugs-2023.csv"',
    );
  });

  it('rejects bad parameters with 400 and unknown or unpublished releases with 404', async () => {
    const bad = await get('/api/v1/releases/r1/cells.csv?year=twenty');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: {
        code: 'BadRequest',
        message: "query parameter 'year' must be a year like 2023, got 'twenty'",
      },
    });
    expect((await get('/api/v1/releases/r1/cells.csv?level=provincie')).statusCode).toBe(400);
    expect((await get('/api/v1/releases/r1/cells.csv?indicator=nope')).json()).toEqual({
      error: {
        code: 'BadRequest',
        message: "query parameter 'indicator': unknown indicator 'nope'",
      },
    });
    const missing = await get('/api/v1/releases/zz/cells.csv');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'NotFound', message: "release 'zz' not found" },
    });
    const candidate = await get('/api/v1/releases/r2/cells.csv');
    expect(candidate.statusCode).toBe(404);
    expect(candidate.json().error.message).toBe("release 'r2' not found");
    const withdrawn = await get('/odata/v1/Samenzicht/r0/Observations');
    expect(withdrawn.statusCode).toBe(410);
    expect(withdrawn.json()).toEqual({
      error: { code: 'Gone', message: "release 'r0' was withdrawn" },
    });
  });

  it('caches published releases for a year with a strong ETag and answers 304', async () => {
    const first = await get('/api/v1/releases/r1/cells.csv');
    expect(first.headers['cache-control']).toBe('public, max-age=3600, immutable');
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const again = await get('/api/v1/releases/r1/cells.csv', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(
      (await get('/api/v1/releases/r1/cells.csv', { 'if-none-match': `"other", W/${etag}` }))
        .statusCode,
    ).toBe(304);
    expect(
      (await get('/api/v1/releases/r1/cells.csv', { 'if-none-match': '"other"' })).statusCode,
    ).toBe(200);
    // "latest" moves with the next release, so it is only briefly cacheable.
    expect((await get('/api/v1/releases/latest/cells.csv')).headers['cache-control']).toBe(
      'no-cache',
    );
  });
});

describe('cells.parquet', () => {
  it('streams the release file with an ETag, and 404s when there is none', async () => {
    const res = await get('/api/v1/releases/r1/cells.parquet');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(res.rawPayload.toString()).toBe('PAR1 fake bytes for streaming PAR1');
    const etag = res.headers['etag'] as string;
    expect(
      (await get('/api/v1/releases/r1/cells.parquet', { 'if-none-match': etag })).statusCode,
    ).toBe(304);
    expect((await get('/api/v1/releases/nope/cells.parquet')).statusCode).toBe(404);
  });
});

describe('OData v4', () => {
  it('serves a service document and CSDL metadata', async () => {
    const { res, body } = await json('/odata/v4/');
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.headers['content-type']).toContain('application/json;odata.metadata=minimal');
    // The latest release names itself, so a client's next requests stay on it.
    expect(body['@odata.context']).toBe('https://data.example.nl/odata/v1/Samenzicht/r1/$metadata');
    expect(body.value.map((v) => [v['name'], v['kind']])).toEqual([
      ['Observations', 'EntitySet'],
      ['Dimensions', 'EntitySet'],
      ['MeasureCodes', 'EntitySet'],
      ['MeasureGroups', 'EntitySet'],
      ['PeriodenCodes', 'EntitySet'],
      ['PeriodenGroups', 'EntitySet'],
      ['RegioSCodes', 'EntitySet'],
      ['RegioSGroups', 'EntitySet'],
      ['BreakdownCodes', 'EntitySet'],
      ['BreakdownGroups', 'EntitySet'],
      ['Properties', 'Singleton'],
    ]);
    const meta = await get('/odata/v4/$metadata');
    expect(meta.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(meta.body).toContain('<EntityType Name="Observation">');
    expect(meta.body).toContain('<Property Name="Value" Type="Edm.Double" Nullable="true"/>');
    expect(meta.body).toContain(
      '<EntitySet Name="RegioSCodes" EntityType="Samenzicht.OData.RegioSCode"/>',
    );
    expect(meta.body).toContain(
      '<Singleton Name="Properties" Type="Samenzicht.OData.DatasetProperties"/>',
    );
  });

  it('returns observations in long format with Value null and ValueAttribute for confidential cells', async () => {
    const { body } = await json("/odata/v4/Observations?$filter=RegioS eq 'GM9999'");
    expect(body.value).toEqual([
      {
        Id: 4,
        Measure: 'drugs',
        ValueAttribute: 'Confidential',
        Value: null,
        StringValue: null,
        Perioden: '2023JJ00',
        RegioS: 'GM9999',
        Breakdown: 'T001',
      },
    ]);
    // A percentage publishes its value, numerator and denominator as three measures.
    const na = await json(
      "/odata/v4/Observations?$filter=startswith(Measure,'jeugd')&$select=Measure,Value,ValueAttribute",
    );
    expect(na.body.value).toEqual([
      { Measure: 'jeugd', Value: null, ValueAttribute: 'Impossible' },
      { Measure: 'jeugd_numerator', Value: null, ValueAttribute: 'Impossible' },
      { Measure: 'jeugd_denominator', Value: null, ValueAttribute: 'Impossible' },
    ]);
    expect(na.body['@odata.context']).toBe(
      'https://data.example.nl/odata/v1/Samenzicht/r1/$metadata#Observations(Measure,Value,ValueAttribute)',
    );
  });

  it('evaluates and/or/not/parentheses, numbers and functions', async () => {
    // Follows @odata.nextLink, as clients do, since the page size here is 3.
    const ids = async (filter: string) => {
      const out: unknown[] = [];
      let url: string | undefined =
        `/odata/v4/Observations?$filter=${encodeURIComponent(filter)}&$select=Id`;
      while (url !== undefined) {
        const { body } = await json(url);
        out.push(...body.value.map((v) => v['Id']));
        const next = body['@odata.nextLink'] as string | undefined;
        url = next?.replace('https://data.example.nl', '');
      }
      return out;
    };
    expect(
      await ids(
        "Measure eq 'drugs' and (RegioS eq 'GM0363' or RegioS eq 'GM0518') and Breakdown eq 'T001'",
      ),
    ).toEqual([2, 3]);
    expect(await ids('Value gt 3 and Value le 4.1')).toEqual([2, 3]);
    expect(await ids('Value ge 2.6 or Value eq null')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await ids("not (Perioden eq '2023JJ00')")).toEqual([0]);
    expect(await ids("startswith(RegioS,'GM') and Value ne null")).toEqual([2, 3]);
    expect(await ids("contains(Breakdown,'=V') eq true")).toEqual([5]);
    expect(await ids("RegioS eq 'GM0363' and RegioS eq 'GM0518'")).toEqual([]);
    expect(await ids("RegioS eq 'it''s' or RegioS eq 'NL01' and Perioden eq '2022JJ00'")).toEqual([
      0,
    ]);
  });

  it('pages with $top, $skip, $count and @odata.nextLink', async () => {
    const { body } = await json('/odata/v4/Observations?$count=true&$select=Id');
    expect(body['@odata.count']).toBe(9);
    expect(body.value).toEqual([{ Id: 0 }, { Id: 1 }, { Id: 2 }]);
    expect(body['@odata.nextLink']).toBe(
      'https://data.example.nl/odata/v1/Samenzicht/r1/Observations?$count=true&$select=Id&$skip=3',
    );
    const p2 = await json('/odata/v1/Samenzicht/r1/Observations?$count=true&$select=Id&$skip=3');
    expect(p2.body.value).toEqual([{ Id: 3 }, { Id: 4 }, { Id: 5 }]);
    const p3 = await json('/odata/v1/Samenzicht/r1/Observations?$count=true&$select=Id&$skip=6');
    expect(p3.body.value).toEqual([{ Id: 6 }, { Id: 7 }, { Id: 8 }]);
    expect(p3.body['@odata.nextLink']).toBeUndefined();
    const topped = await json('/odata/v4/Observations?$top=4&$select=Id');
    expect(topped.body.value).toHaveLength(3);
    expect(topped.body['@odata.nextLink']).toBe(
      'https://data.example.nl/odata/v1/Samenzicht/r1/Observations?$select=Id&$skip=3&$top=1',
    );
    const small = await json('/odata/v4/Observations?$top=2&$skip=1&$select=Id');
    expect(small.body.value).toEqual([{ Id: 1 }, { Id: 2 }]);
    expect(small.body['@odata.nextLink']).toBeUndefined();
    const count = await get("/odata/v4/Observations/$count?$filter=Measure eq 'drugs'");
    expect(count.body).toBe('6');
    const pref = await get('/odata/v4/Observations?$select=Id', { prefer: 'odata.maxpagesize=2' });
    expect(pref.json().value).toHaveLength(2);
    expect(pref.headers['preference-applied']).toBe('odata.maxpagesize=2');
  });

  it('orders with $orderby, nulls first', async () => {
    const { body } = await json(
      "/odata/v4/Observations?$filter=Measure eq 'drugs'&$orderby=Value desc,Id asc&$select=Id,Value",
    );
    expect(body.value.map((v) => v['Id'])).toEqual([2, 3, 1]);
    const asc = await json(
      "/odata/v4/Observations?$filter=Measure eq 'drugs'&$orderby=Value,Id desc&$select=Id",
    );
    expect(asc.body.value.map((v) => v['Id'])).toEqual([5, 4, 0]);
  });

  it('serves the metadata sets in CBS style', async () => {
    const period = { Description: '', DimensionGroupId: 'jaren', Status: 'Definitief' };
    expect((await json('/odata/v4/PeriodenCodes')).body.value).toEqual([
      { Identifier: '2022JJ00', Index: 1, Title: '2022', ...period },
      { Identifier: '2023JJ00', Index: 2, Title: '2023', ...period },
    ]);
    // Code lists are sent whole (the page size here is 3): CBS's clients read their first page only.
    for (const url of ['/odata/v4/RegioSCodes', '/ODataFeed/OData/r1/RegioS?$format=json']) {
      const whole = (await json(url)).body;
      expect(
        whole.value.map((r) => r['Identifier'] ?? r['Key']),
        url,
      ).toEqual(['NL01', 'GM0363', 'GM0518', 'GM9999']);
      expect(whole['@odata.nextLink'] ?? whole['odata.nextLink'], url).toBeUndefined();
    }
    const regions = (await json("/odata/v4/RegioSCodes?$filter=Level eq 'gemeente'")).body.value;
    expect(regions.map((r) => [r['Identifier'], r['Title']])).toEqual([
      ['GM0363', 'Amsterdam'],
      ['GM0518', "'s-Gravenhage"],
      ['GM9999', 'GM9999'],
    ]);
    const measures = (await json('/odata/v4/MeasureCodes')).body.value;
    expect(measures[0]).toMatchObject({
      Identifier: 'drugs',
      Title: 'Drugsverdachten per 1.000 inwoners',
      Unit: 'verdachten',
    });
    expect((await json('/odata/v4/Dimensions')).body.value.map((d) => d['Identifier'])).toEqual([
      'Perioden',
      'RegioS',
      'Breakdown',
    ]);
  });

  it('answers bad queries with 400 and an OData error body', async () => {
    const cases: [string, string][] = [
      [
        "$filter=Regio eq 'GM0363'",
        "$filter: unknown property 'Regio' (known: Id, Measure, ValueAttribute, Value, StringValue, Perioden, RegioS, Breakdown) at position 1",
      ],
      [
        '$filter=RegioS eq GM0363',
        "$filter: unknown property 'GM0363' (known: Id, Measure, ValueAttribute, Value, StringValue, Perioden, RegioS, Breakdown) at position 11",
      ],
      [
        '$filter=RegioS eq 363',
        "$filter: cannot compare a string with a number (property RegioS is a string; quote the literal, e.g. 'GM0363') at position 8",
      ],
      [
        "$filter=Value gt 'x'",
        '$filter: cannot compare a number with a string (property Value is a number) at position 7',
      ],
      [
        "$filter=(RegioS eq 'GM0363'",
        "$filter: expected ')', found end of expression at position 20",
      ],
      ["$filter=RegioS = 'GM0363'", "$filter: unexpected '=' at position 8"],
      ["$filter=RegioS eq 'GM0363", '$filter: unterminated string literal starting at position 11'],
      [
        "$filter=RegioS eq 'a' xor Value eq 1",
        "$filter: expected 'and', 'or' or the end, found 'xor' at position 15",
      ],
      ['$filter=Value lt null', '$filter: null can only be compared with eq or ne at position 7'],
      ['$filter=', '$filter: empty expression'],
      ['$top=-1', "$top must be a non-negative integer, got '-1'"],
      ['$skip=abc', "$skip must be a non-negative integer, got 'abc'"],
      ['$count=yes', "$count must be true or false, got 'yes'"],
      [
        '$select=Id,Nope',
        "$select: unknown property 'Nope' of Observations (known: Id, Measure, ValueAttribute, Value, StringValue, Perioden, RegioS, Breakdown)",
      ],
      ['$orderby=Value sideways', "$orderby: expected 'Property [asc|desc]', got 'Value sideways'"],
      [
        '$expand=Measure',
        'query option $expand is not supported (supported: $filter, $select, $orderby, $top, $skip, $count, $format)',
      ],
      ['$top=1&$top=2', 'query option $top may appear only once'],
      ['$format=xml', "$format: only json is supported, got 'xml'"],
    ];
    for (const [q, message] of cases) {
      const res = await get(`/odata/v4/Observations?${q.replaceAll(' ', '%20')}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toEqual({ error: { code: 'BadRequest', message } });
    }
    const unknown = await get('/odata/v4/Cells');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NotFound');
    expect((await get('/odata/v1/Samenzicht/r2/Observations')).statusCode).toBe(404);
  });

  it('marks a specific published release immutable and revalidates with ETags', async () => {
    const res = await get('/odata/v1/Samenzicht/r1/Observations?$top=1');
    expect(res.headers['cache-control']).toBe('public, max-age=3600, immutable');
    const etag = res.headers['etag'] as string;
    expect(
      (await get('/odata/v1/Samenzicht/r1/Observations?$top=1', { 'if-none-match': etag }))
        .statusCode,
    ).toBe(304);
    expect((await get('/odata/v4/Observations?$top=1')).headers['cache-control']).toBe('no-cache');
  });
});

describe('unpublished releases', () => {
  it('are never served, whatever the source lists', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/releases/r2/cells.csv' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('drugs,2022');
  });

  it('absolute URLs never come from the Host header', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/odata/v4/Observations?$top=1',
      headers: { host: 'evil.example.com' },
    });
    expect(res.body).not.toContain('evil.example.com');
    expect(res.json()['@odata.context']).toMatch(/^https:\/\/data\.example\.nl\//);
  });
});
