/**
 * Zoekgebieden of a release (src/public/zoekgebieden.ts) as JSON and as CSV. Both are computed
 * from the release's published cells, public rule profiles and the public region set only.
 *
 * Caching as for cells: an id URL is immutable content (an hour at most, a release can be
 * withdrawn); `latest` is a 307 to the id, never cached. The caution travels with the data: in
 * the JSON beside the areas and in the CSV on every row (`let_op`).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RegionSet } from '../../regions/index.js';
import {
  DEFAULT_FDR,
  findZoekgebieden,
  ZOEKGEBIED_LEVELS,
  ZOEKGEBIEDEN_CAUTION,
  ZOEKGEBIEDEN_METHOD,
  type ZoekgebiedenResult,
  type ZoekgebiedLevel,
} from '../../public/zoekgebieden.js';
import type { IndicatorMeta } from '../../contracts/index.js';
import { csvDocument, type CsvValue } from '../../release/csv.js';
import { IMMUTABLE } from '../opendata/cache.js';
import {
  BILINGUAL,
  BOOLEAN,
  closedObject,
  INTEGER,
  NULLABLE_NUMBER,
  NULLABLE_STRING,
  NUMBER,
  oneOf,
  STRING,
  STRINGS,
} from '../http/schema.js';
import type { ReleaseCatalog } from './catalog.js';
import { badRequest, releaseRouteSchema, resolvePublicRelease, sendCsvAttachment } from './http.js';

export interface ZoekgebiedenRoutesOptions {
  catalog: ReleaseCatalog;
  indicators: readonly IndicatorMeta[];
  regions: RegionSet;
  /** Absolute base of public URLs (configured, never taken from the request). */
  publicBaseUrl: string;
}

interface ZoekgebiedenQuery {
  gemeente?: string;
  veiligheidsregio?: string;
  year?: number;
  level?: ZoekgebiedLevel;
  q?: number;
  lang?: 'nl' | 'en';
}

const signalSchema = closedObject({
  indicator: STRING,
  theme: STRING,
  value: NULLABLE_NUMBER,
  numerator: NUMBER,
  denominator: NUMBER,
  gemeenteValue: NULLABLE_NUMBER,
  nederlandValue: NULLABLE_NUMBER,
  ratio: NULLABLE_NUMBER,
  pValue: NUMBER,
  qValue: NUMBER,
  significant: BOOLEAN,
});

const areaSchema = closedObject({
  code: STRING,
  name: STRING,
  level: oneOf(ZOEKGEBIED_LEVELS),
  parent: NULLABLE_STRING,
  gemeente: STRING,
  score: NUMBER,
  themeCount: INTEGER,
  themes: STRINGS,
  excess: NUMBER,
  flagged: BOOLEAN,
  signals: { type: 'array', items: signalSchema },
});

/** The JSON answer (also the OpenAPI description). */
export const zoekgebiedenResponseSchema = closedObject({
  release: STRING,
  year: INTEGER,
  scope: closedObject({
    code: STRING,
    name: STRING,
    level: oneOf(['gemeente', 'veiligheidsregio']),
  }),
  q: NUMBER,
  tested: INTEGER,
  method: BILINGUAL,
  caution: BILINGUAL,
  areas: { type: 'array', items: areaSchema },
});

const scopeProperties = {
  gemeente: {
    type: 'string',
    pattern: '^GM\\d{4}$',
    description: 'A gemeente; give this or veiligheidsregio',
  },
  veiligheidsregio: {
    type: 'string',
    pattern: '^VR\\d{2}$',
    description: 'A veiligheidsregio (all its gemeenten); give this or gemeente',
  },
  year: {
    type: 'integer',
    minimum: 1900,
    maximum: 2100,
    description: 'Default: the latest year of the release',
  },
  level: { type: 'string', enum: ZOEKGEBIED_LEVELS, description: 'Default: wijken and buurten' },
  q: {
    type: 'number',
    description: `False discovery rate, 0 < q < 1 (default ${DEFAULT_FDR})`,
  },
} as const;

const DESCRIPTION = `${ZOEKGEBIEDEN_METHOD.en} ${ZOEKGEBIEDEN_CAUTION.en}`;

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────

export const ZOEKGEBIEDEN_CSV_COLUMNS = [
  'release',
  'year',
  'scope_code',
  'q',
  'rank',
  'area_code',
  'area_name',
  'area_level',
  'parent_code',
  'gemeente_code',
  'score',
  'theme_count',
  'themes',
  'excess',
  'flagged',
  'indicator_id',
  'theme',
  'value',
  'numerator',
  'denominator',
  'gemeente_value',
  'nederland_value',
  'ratio',
  'p_value',
  'q_value',
  'significant',
  'let_op',
] as const;

/** One row per signal, the area's score on each, and the caution on every row. */
export function zoekgebiedenCsv(release: string, r: ZoekgebiedenResult, lang: 'nl' | 'en'): string {
  const caution = ZOEKGEBIEDEN_CAUTION[lang];
  const lines: CsvValue[][] = [];
  r.areas.forEach((a, i) => {
    for (const s of a.signals) {
      lines.push([
        release,
        r.year,
        r.scope.code,
        r.q,
        i + 1,
        a.code,
        a.name,
        a.level,
        a.parent,
        a.gemeente,
        a.score,
        a.themeCount,
        a.themes.join(';'),
        a.excess,
        a.flagged,
        s.indicator,
        s.theme,
        s.value,
        s.numerator,
        s.denominator,
        s.gemeenteValue,
        s.nederlandValue,
        s.ratio,
        s.pValue,
        s.qValue,
        s.significant,
        caution,
      ]);
    }
  });
  // No testable area: one row of the scope alone, so that the file still carries the caution.
  if (lines.length === 0) {
    const row: CsvValue[] = ZOEKGEBIEDEN_CSV_COLUMNS.map(() => null);
    row[0] = release;
    row[1] = r.year;
    row[2] = r.scope.code;
    row[3] = r.q;
    row[row.length - 1] = caution;
    lines.push(row);
  }
  // Area names come from the operator's region set: the one CSV owner neutralises formulas.
  return csvDocument(ZOEKGEBIEDEN_CSV_COLUMNS, lines, { bom: true });
}

// ── routes ───────────────────────────────────────────────────────────────────────────────────

type ZoekgebiedenRoute = { Params: { id: string }; Querystring: ZoekgebiedenQuery };

/** Zoekgebieden of one plugin instance: its region set and indicators, and what a request asks. */
class Zoekgebieden {
  readonly indicators: { id: string; theme: string; kind: IndicatorMeta['kind'] }[];

  constructor(readonly opts: ZoekgebiedenRoutesOptions) {
    this.indicators = opts.indicators.map((i) => ({ id: i.id, theme: i.theme, kind: i.kind }));
  }

  /** The result, or null when an error or redirect was sent. */
  async compute(
    req: FastifyRequest<ZoekgebiedenRoute>,
    reply: FastifyReply,
  ): Promise<{ id: string; result: ZoekgebiedenResult } | null> {
    const { catalog, regions } = this.opts;
    const query = req.query;
    const code = await this.#scope(query, reply);
    if (code === null) return null;
    const q = query.q ?? DEFAULT_FDR;
    if (!(q > 0 && q < 1)) {
      await badRequest(reply, `querystring/q: must be greater than 0 and less than 1, got ${q}`);
      return null;
    }
    const id = await resolvePublicRelease(catalog, req, reply, req.params.id);
    if (!id) return null;
    const manifest = await catalog.manifest(id);
    const year = query.year ?? (manifest.years.length > 0 ? Math.max(...manifest.years) : null);
    if (year === null || !manifest.years.includes(year)) {
      await badRequest(
        reply,
        `querystring/year: release ${id} has no year ${year ?? ''} (years: ${manifest.years.join(', ') || 'none'})`,
      );
      return null;
    }
    const cells = await catalog.cells(id);
    const result = findZoekgebieden({
      scope: code,
      year,
      levels: query.level ? [query.level] : ZOEKGEBIED_LEVELS,
      q,
      regions,
      indicators: this.indicators,
      rules: manifest.rules,
      cellsOf: (c) => cells.byRegion.get(c) ?? [],
    });
    return { id, result };
  }

  /** The one gemeente or veiligheidsregio asked for, or null when a 400 was sent. */
  async #scope(query: ZoekgebiedenQuery, reply: FastifyReply): Promise<string | null> {
    const given = (['gemeente', 'veiligheidsregio'] as const).filter((k) => query[k] !== undefined);
    if (given.length !== 1) {
      await badRequest(
        reply,
        `querystring: give exactly one of gemeente (GMxxxx) and veiligheidsregio (VRxx)${given.length > 1 ? ', not both' : ''}`,
      );
      return null;
    }
    const param = given[0]!;
    const code = query[param]!;
    if (this.opts.regions.get(code)?.level !== param) {
      await badRequest(reply, `querystring/${param}: unknown ${param} '${code}'`);
      return null;
    }
    return code;
  }
}

const zoekgebiedenJsonSchema = releaseRouteSchema({
  summary:
    'Zoekgebieden: wijken and buurten of a gemeente or veiligheidsregio where indicators of two or more themes are high together (a pattern, no proof)',
  description: DESCRIPTION,
  querystring: scopeProperties,
  response: { 200: zoekgebiedenResponseSchema },
});

const zoekgebiedenCsvSchema = releaseRouteSchema({
  summary:
    'Zoekgebieden as CSV (UTF-8 with BOM, comma, CRLF): one row per signal, the caution in column let_op',
  description: `${DESCRIPTION} Columns: ${ZOEKGEBIEDEN_CSV_COLUMNS.join(', ')}. lang=en puts the English caution in let_op.`,
  querystring: {
    ...scopeProperties,
    lang: { type: 'string', enum: ['nl', 'en'], description: 'Language of let_op' },
  },
});

const zoekgebiedenJson =
  (finder: Zoekgebieden) => async (req: FastifyRequest<ZoekgebiedenRoute>, reply: FastifyReply) => {
    const out = await finder.compute(req, reply);
    if (!out) return reply;
    void reply.header('cache-control', IMMUTABLE);
    return {
      release: out.id,
      year: out.result.year,
      scope: out.result.scope,
      q: out.result.q,
      tested: out.result.tested,
      method: { ...ZOEKGEBIEDEN_METHOD },
      caution: { ...ZOEKGEBIEDEN_CAUTION },
      areas: out.result.areas,
    };
  };

const zoekgebiedenCsvDownload =
  (finder: Zoekgebieden) => async (req: FastifyRequest<ZoekgebiedenRoute>, reply: FastifyReply) => {
    const out = await finder.compute(req, reply);
    if (!out) return reply;
    const { scope, year } = out.result;
    return sendCsvAttachment(
      reply,
      ['samenzicht', out.id, 'zoekgebieden', scope.code, year],
      zoekgebiedenCsv(out.id, out.result, req.query.lang ?? 'nl'),
    );
  };

export const zoekgebiedenRoutes: FastifyPluginAsync<ZoekgebiedenRoutesOptions> = async (
  app,
  opts,
) => {
  const finder = new Zoekgebieden(opts);
  app.get<ZoekgebiedenRoute>(
    '/releases/:id/zoekgebieden',
    { schema: zoekgebiedenJsonSchema },
    zoekgebiedenJson(finder),
  );
  app.get<ZoekgebiedenRoute>(
    '/releases/:id/zoekgebieden.csv',
    { schema: zoekgebiedenCsvSchema },
    zoekgebiedenCsvDownload(finder),
  );
};
