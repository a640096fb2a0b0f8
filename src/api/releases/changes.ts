/**
 * The release comparison (src/public/changes.ts) over HTTP: what changed in a published release
 * compared with an earlier one, as JSON (summary and a paged list) and as CSV. Both come from
 * the public cells of the two releases only, through the catalog, which verifies each release
 * against its approved digest and never yields a candidate.
 *
 * `from` defaults to the published release before this one in order of publication (withdrawn
 * releases are skipped: their figures are no longer served). A withdrawn release is 410 on
 * either side, an unknown or unpublished one 404, as on the other release routes.
 *
 * Caching as for cells: an id URL is immutable content (an hour at most, a release can be
 * withdrawn); `latest` is a 307 to the id, never cached.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CELL_KEY_COLUMNS,
  CHANGE_KINDS,
  compareReleases,
  PUBLIC_STATUSES,
  type CellChange,
  type ChangeKind,
  type ChangeSide,
  type ReleaseComparison,
} from '../../public/index.js';
import { csvDocument, type CsvValue } from '../../release/csv.js';
import type { IndicatorMeta } from '../../contracts/index.js';
import { IMMUTABLE } from '../opendata/cache.js';
import { Lru } from '../opendata/http.js';
import { paginate, pageQueryProperties, pageSchema, type PageQuery } from '../http/paging.js';
import { closedObject, INTEGER, listOf, NULLABLE_NUMBER, oneOf, STRING } from '../http/schema.js';
import { cellKeyProperties } from './schemas.js';
import type { PublicReleaseInfo, ReleaseCatalog } from './catalog.js';
import {
  badRequest,
  RELEASE_ID_NAME,
  refuseUnserved,
  releaseRouteSchema,
  resolvePublicRelease,
  sendCsvAttachment,
} from './http.js';

export const CHANGE_PAGE = { defaultLimit: 1000, maxLimit: 10_000 };

export interface ChangesRoutesOptions {
  catalog: ReleaseCatalog;
  indicators: readonly IndicatorMeta[];
  /** Absolute base of public URLs (configured, never taken from the request). */
  publicBaseUrl: string;
}

interface ChangesQuery {
  from?: string;
  indicator?: string;
  kind?: ChangeKind;
}

// ── schemas ──────────────────────────────────────────────────────────────────────────────────

const sideSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['status', 'value', 'numerator', 'denominator'],
  properties: {
    status: oneOf(PUBLIC_STATUSES),
    value: NULLABLE_NUMBER,
    numerator: NULLABLE_NUMBER,
    denominator: NULLABLE_NUMBER,
  },
} as const;

export const cellChangeSchema = closedObject({
  kind: oneOf(CHANGE_KINDS),
  ...cellKeyProperties,
  from: sideSchema,
  to: sideSchema,
  difference: NULLABLE_NUMBER,
});

const COUNT_KEYS = ['cells', 'unchanged', ...CHANGE_KINDS] as const;
const countProperties = Object.fromEntries(COUNT_KEYS.map((k) => [k, INTEGER]));

/** The JSON answer (also the OpenAPI description). */
export const changesResponseSchema = closedObject({
  release: STRING,
  from: STRING,
  summary: closedObject({
    total: closedObject(countProperties),
    indicators: listOf({ indicator: STRING, ...countProperties }),
  }),
  changes: { type: 'array', items: cellChangeSchema },
  page: pageSchema,
});

const filterProperties = {
  from: {
    type: 'string',
    pattern: `^${RELEASE_ID_NAME}$`,
    description:
      'The earlier release to compare with (a release id). Default: the published release before this one in order of publication.',
  },
  indicator: {
    type: 'string',
    pattern: '^[a-z0-9_]{1,64}$',
    description: 'Only the changes of this indicator',
  },
  kind: { type: 'string', enum: CHANGE_KINDS, description: 'Only changes of this kind' },
} as const;

const DESCRIPTION =
  'Cells are matched by indicator, year, region and breakdown. changed: published in both and a published figure differs (difference = new value − old value); now-published: confidential before, published now; now-confidential: published before, confidential now; status-changed: to or from not-applicable; added: not in the earlier release; removed: not in this release. Unchanged cells are counted in the summary, not listed. The summary always covers the whole comparison; indicator and kind narrow the list. From the public cells of both releases only.';

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────

export const CHANGES_CSV_COLUMNS = [
  'release',
  'from_release',
  'kind',
  ...CELL_KEY_COLUMNS,
  'from_status',
  'from_value',
  'from_numerator',
  'from_denominator',
  'to_status',
  'to_value',
  'to_numerator',
  'to_denominator',
  'difference',
] as const;

/** CBS symbols as in cells.csv: '.' for a confidential figure, blank where none can occur. */
function figures(s: ChangeSide | null): CsvValue[] {
  if (!s) return [null, null, null, null];
  const f = (v: number | null): CsvValue => (s.status === 'confidential' ? '.' : v);
  return [s.status, f(s.value), f(s.numerator), f(s.denominator)];
}

/**
 * One row per change (UTF-8 with BOM, comma, CRLF), with both release ids on every row; cells
 * written by the one CSV owner (src/release/csv.ts).
 */
export function changesCsv(release: string, from: string, changes: readonly CellChange[]): string {
  return csvDocument(
    CHANGES_CSV_COLUMNS,
    changes.map((c) => [
      release,
      from,
      c.kind,
      ...CELL_KEY_COLUMNS.map((k) => c[k]),
      ...figures(c.from),
      ...figures(c.to),
      c.difference,
    ]),
    { bom: true },
  );
}

// ── routes ───────────────────────────────────────────────────────────────────────────────────

/** Published releases in order of publication (as the OData versions number them). */
function publicationOrder(list: readonly PublicReleaseInfo[]): PublicReleaseInfo[] {
  return list
    .filter((r) => r.status === 'published')
    .sort(
      (a, b) =>
        (a.publishedAt ?? a.createdAt).localeCompare(b.publishedAt ?? b.createdAt) ||
        a.id.localeCompare(b.id),
    );
}

type ChangesRoute = { Params: { id: string }; Querystring: ChangesQuery };
type ChangesPageRoute = { Params: { id: string }; Querystring: ChangesQuery & PageQuery };

/** Two releases and what changed between them. */
interface Compared {
  id: string;
  from: string;
  comparison: ReleaseComparison;
}

/** The comparisons of one plugin instance, and how a request names its two releases. */
class Comparisons {
  // A comparison of two national releases can hold millions of changes: keep a few only.
  readonly #cache = new Lru<ReleaseComparison>(4);

  constructor(readonly opts: ChangesRoutesOptions) {}

  /** The comparison and both ids, or null when an error or redirect was sent. */
  async compute(req: FastifyRequest<ChangesRoute>, reply: FastifyReply): Promise<Compared | null> {
    const { catalog } = this.opts;
    const q = req.query;
    if (q.from === 'latest') {
      await badRequest(reply, "querystring/from: give a release id to compare with, not 'latest'");
      return null;
    }
    const id = await resolvePublicRelease(catalog, req, reply, req.params.id);
    if (!id) return null;
    const from =
      q.from === undefined ? await this.#before(id, reply) : await this.#from(q.from, reply);
    if (from === null) return null;
    const comparison = await this.#compare(from, id);
    if (
      q.indicator !== undefined &&
      !this.opts.indicators.some((i) => i.id === q.indicator) &&
      !comparison.summary.indicators.some((i) => i.indicator === q.indicator)
    ) {
      await badRequest(reply, `querystring/indicator: unknown indicator '${q.indicator}'`);
      return null;
    }
    return { id, from, comparison };
  }

  /** The published release before `id` in order of publication, or null when a 404 was sent. */
  async #before(id: string, reply: FastifyReply): Promise<string | null> {
    const order = publicationOrder(await this.opts.catalog.listPublic());
    const at = order.findIndex((r) => r.id === id);
    const before = at > 0 ? order[at - 1] : undefined;
    if (!before) {
      await reply.code(404).send({
        error: 'not-found',
        message: `release ${id} is the first published release: there is no earlier published release to compare it with (give from=<release id>)`,
      });
      return null;
    }
    return before.id;
  }

  /** The `from` the request gave, or null when it is unknown (404) or withdrawn (410). */
  async #from(from: string, reply: FastifyReply): Promise<string | null> {
    const refused = await refuseUnserved(this.opts.catalog, reply, from, {
      notFound: `querystring/from: no published release '${from}' to compare with`,
      withdrawn: (reason) =>
        `querystring/from: release ${from} was withdrawn (${reason}); its figures are no longer served`,
    });
    return refused ? null : from;
  }

  async #compare(from: string, id: string): Promise<ReleaseComparison> {
    const { catalog } = this.opts;
    // Both verified against their approved digests on every request (cheap once indexed).
    const [before, after] = [await catalog.cells(from), await catalog.cells(id)];
    const key = `${from}\u0000${id}`;
    let comparison = this.#cache.get(key);
    if (!comparison) {
      comparison = compareReleases(before.rows, after.rows);
      this.#cache.set(key, comparison);
    }
    return comparison;
  }
}

/** The changes a request lists: the summary always covers them all, the filters narrow the list. */
const selected = (changes: readonly CellChange[], q: ChangesQuery): readonly CellChange[] =>
  q.indicator === undefined && q.kind === undefined
    ? changes
    : changes.filter(
        (c) =>
          (q.indicator === undefined || c.indicator_id === q.indicator) &&
          (q.kind === undefined || c.kind === q.kind),
      );

const changesJsonSchema = releaseRouteSchema({
  summary:
    'What changed in a release compared with an earlier published one: a summary per indicator and a paged list of changed cells',
  description: DESCRIPTION,
  querystring: { ...filterProperties, ...pageQueryProperties(CHANGE_PAGE) },
  response: { 200: changesResponseSchema },
});

const changesCsvSchema = releaseRouteSchema({
  summary:
    'What changed in a release compared with an earlier published one, as CSV (UTF-8 with BOM, comma, CRLF): one row per changed cell',
  description: `${DESCRIPTION} Columns: ${CHANGES_CSV_COLUMNS.join(', ')}. A confidential figure is '.', a figure that cannot occur or a side without the cell (added, removed) is blank (CBS convention).`,
  querystring: filterProperties,
});

const changesJson =
  (comparisons: Comparisons) =>
  async (req: FastifyRequest<ChangesPageRoute>, reply: FastifyReply) => {
    const out = await comparisons.compute(req, reply);
    if (!out) return reply;
    const { items, page } = paginate(
      selected(out.comparison.changes, req.query),
      req,
      req.query,
      CHANGE_PAGE,
      comparisons.opts.publicBaseUrl,
    );
    void reply.header('cache-control', IMMUTABLE);
    return {
      release: out.id,
      from: out.from,
      summary: out.comparison.summary,
      changes: items,
      page,
    };
  };

const changesCsvDownload =
  (comparisons: Comparisons) => async (req: FastifyRequest<ChangesRoute>, reply: FastifyReply) => {
    const out = await comparisons.compute(req, reply);
    if (!out) return reply;
    const { indicator, kind } = req.query;
    const body = changesCsv(out.id, out.from, selected(out.comparison.changes, req.query));
    return sendCsvAttachment(
      reply,
      ['samenzicht', out.id, 'changes-from', out.from, indicator, kind],
      body,
    );
  };

export const changesRoutes: FastifyPluginAsync<ChangesRoutesOptions> = async (app, opts) => {
  const comparisons = new Comparisons(opts);
  app.get<ChangesPageRoute>(
    '/releases/:id/changes',
    { schema: changesJsonSchema },
    changesJson(comparisons),
  );
  app.get<ChangesRoute>(
    '/releases/:id/changes.csv',
    { schema: changesCsvSchema },
    changesCsvDownload(comparisons),
  );
};
