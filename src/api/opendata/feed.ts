/**
 * What the OData v3 and v4 feeds do alike: keep the models of a few releases, and send one page
 * of an entity set (or its `$count`). The versions differ only in how a page names its context,
 * count and next link, which each states as its `PageDialect`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  countOf,
  runQuery,
  type EntitySet,
  type Matches,
  type QueryOptions,
} from './entity-set.js';
import {
  cachedBuild,
  Lru,
  nextPageQuery,
  pageSizeFor,
  type OpenDataContext,
  type Resolved,
} from './http.js';
import type { ReleaseDataset } from './dataset.js';

/** A feed's model of each release, built once from its dataset (a release never changes). */
export class ModelCache<M> {
  // A national model is large: keep a few.
  readonly #models = new Lru<Promise<M>>(4);

  constructor(
    readonly ctx: OpenDataContext,
    readonly build: (d: ReleaseDataset) => M,
  ) {}

  of(release: Resolved['release']): Promise<M> {
    return cachedBuild(this.#models, release.id, async () =>
      this.build(await this.ctx.dataset(release)),
    );
  }
}

/** How one OData version writes a page; `root` is the absolute service root of the page. */
export interface PageDialect {
  sendCount(req: FastifyRequest, reply: FastifyReply, body: string, cache: string): FastifyReply;
  sendJson(req: FastifyRequest, reply: FastifyReply, payload: unknown, cache: string): FastifyReply;
  context(root: string, set: string, select: readonly string[] | null): Record<string, unknown>;
  count(n: number): Record<string, unknown>;
  nextLink(root: string, set: string, query: string): Record<string, unknown>;
}

/** One page of a set as a request asks for it. */
export interface PageRequest {
  set: EntitySet;
  /** The request's query (single-valued), carried over into the next link. */
  query: Record<string, unknown>;
  options: QueryOptions;
  matches: (filter: string | undefined, orderby: string | undefined) => Matches;
  /** The most rows a page holds. */
  limit: number;
  root: string;
  cacheControl: string;
  countOnly: boolean;
}

/** Sends one page of a set (context, count, rows, next link), or only its count as text. */
export function sendPage(
  req: FastifyRequest,
  reply: FastifyReply,
  dialect: PageDialect,
  p: PageRequest,
): FastifyReply {
  if (p.countOnly) {
    const body = String(countOf(p.set, p.options, p.matches));
    return dialect.sendCount(req, reply, body, p.cacheControl);
  }
  const result = runQuery(p.set, p.options, pageSizeFor(req, reply, p.limit), p.matches);
  const payload: Record<string, unknown> = dialect.context(p.root, p.set.name, result.select);
  if (result.count !== undefined) Object.assign(payload, dialect.count(result.count));
  payload['value'] = result.value;
  if (result.next)
    Object.assign(
      payload,
      dialect.nextLink(p.root, p.set.name, nextPageQuery(p.query, result.next)),
    );
  return dialect.sendJson(req, reply, payload, p.cacheControl);
}
