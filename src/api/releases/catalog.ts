/**
 * What the public API knows of releases: the public surface of each published (or withdrawn)
 * release. It reads the public files only (manifest.json, cells.csv, cells.parquet), never the
 * restricted folder, and serves a release only after checking that its files are the content
 * the airlock approved (the digest recorded at candidacy and signed by every approval).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  comparableGemeenten,
  type ComparableResult,
  type PublicCell,
  type PublicManifest,
  type PublicRegionSet,
} from '../../public/index.js';
import {
  listReleaseIds,
  PUBLIC_RELEASE_FILES,
  readPublicCells,
  readPublicManifest,
  releaseDigest,
  releasesDir,
  RELEASE_FILES,
} from '../../release/index.js';
import {
  isPublicReleaseState,
  type PublicReview,
  type ReleaseInfo,
  type ReleaseState,
} from '../../contracts/index.js';

/** A release as the public sees it: the contract's release info, and the region set behind it. */
export interface PublicReleaseInfo extends ReleaseInfo {
  regionSet: PublicRegionSet;
}

export type { PublicReview } from '../../contracts/index.js';

/** Lifecycle state per release id, as governance records it. */
export type ReleaseStateLookup = (id: string) => Promise<{
  status: ReleaseState;
  publishedAt: string | null;
  withdrawnReason: string | null;
  reviews: PublicReview[];
  /** The digest of the release folder that the approvals signed. */
  digest: string | null;
} | null>;

/** Cells of one release with the indexes the API's queries use (built once: releases are immutable). */
export interface IndexedCells {
  rows: PublicCell[];
  byIndicatorYear: Map<string, PublicCell[]>;
  byIndicatorYearLevel: Map<string, PublicCell[]>;
  byRegion: Map<string, PublicCell[]>;
  byParent: Map<string, PublicCell[]>;
}

function push(index: Map<string, PublicCell[]>, key: string, row: PublicCell): void {
  let list = index.get(key);
  if (!list) index.set(key, (list = []));
  list.push(row);
}

/** A release whose files are not the approved content: the API refuses to serve it. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  readonly statusCode = 503;
  constructor(
    readonly releaseId: string,
    readonly reason: string,
  ) {
    super(`release ${releaseId} is not served: its files do not match the approved content`);
  }
}

interface Verified {
  /** Size and mtime of each public file when it was verified; a change means verify again. */
  stamp: string;
}

export interface CatalogOptions {
  /** Where a refused release is reported (the server's log). */
  onIntegrityFailure?: (failure: { release: string; reason: string }) => void;
  /** Region set facts the comparable gemeenten need (public metadata). */
  buurtenPerGemeente?: ReadonlyMap<string, number>;
}

export class ReleaseCatalog {
  readonly #cells = new Map<string, IndexedCells>();
  readonly #manifests = new Map<string, PublicManifest>();
  readonly #verified = new Map<string, Verified>();
  readonly #refused = new Map<string, string>();
  readonly #comparable = new Map<string, Map<string, ComparableResult>>();
  /** Manifests as the release list reads them (every second): release files never change. */
  readonly #listMeta = new Map<string, PublicManifest>();
  /** Lifecycle states change rarely (publication, withdrawal): read them at most once a second. */
  #listed: { at: number; list: Promise<PublicReleaseInfo[]> } | null = null;
  static readonly STATE_TTL_MS = 1000;

  constructor(
    readonly dataDir: string,
    private readonly stateOf: ReleaseStateLookup,
    private readonly options: CatalogOptions = {},
  ) {}

  #dir(id: string): string {
    return join(releasesDir(this.dataDir), id);
  }

  #stamp(id: string): string {
    return PUBLIC_RELEASE_FILES.map((f) => {
      try {
        const s = statSync(join(this.#dir(id), f));
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return 'missing';
      }
    }).join('|');
  }

  /**
   * Checks the release folder against the approved digest, once, and again whenever a public
   * file changes on disk. A mismatch refuses the release until the server restarts.
   */
  async verify(id: string): Promise<void> {
    const refused = this.#refused.get(id);
    if (refused !== undefined) throw new IntegrityError(id, refused);
    const stamp = this.#stamp(id);
    if (this.#verified.get(id)?.stamp === stamp) return;
    const state = await this.stateOf(id);
    let reason: string | null = null;
    if (!state?.digest) reason = 'no approved digest is recorded';
    else {
      try {
        const actual = await Promise.resolve(releaseDigest(this.#dir(id)));
        if (actual !== state.digest) {
          reason = `digest ${actual.slice(0, 12)} differs from the approved ${state.digest.slice(0, 12)}`;
        }
      } catch (err) {
        reason = `its files cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
      }
    }
    if (reason !== null) {
      this.#refused.set(id, reason);
      this.#cells.delete(id);
      this.#manifests.delete(id);
      this.#comparable.delete(id);
      this.options.onIntegrityFailure?.({ release: id, reason });
      throw new IntegrityError(id, reason);
    }
    this.#verified.set(id, { stamp });
  }

  /**
   * Releases refused for integrity, for the public health route. The reason stays generic: the
   * digests cover the restricted files, so they are for the operator's log only.
   */
  refused(): { release: string; reason: string }[] {
    return [...this.#refused.keys()].map((release) => ({
      release,
      reason: 'its files do not match the content the airlock approved',
    }));
  }

  async manifest(id: string): Promise<PublicManifest> {
    await this.verify(id);
    let m = this.#manifests.get(id);
    if (!m) {
      m = readPublicManifest(this.dataDir, id);
      this.#manifests.set(id, m);
    }
    return m;
  }

  /** The public Parquet file, verified before it is streamed. */
  async parquetPath(id: string): Promise<string> {
    await this.verify(id);
    return join(this.#dir(id), RELEASE_FILES.cellsParquet);
  }

  list(): Promise<PublicReleaseInfo[]> {
    const now = Date.now();
    if (!this.#listed || now - this.#listed.at > ReleaseCatalog.STATE_TTL_MS) {
      const list = this.#readList();
      list.catch(() => (this.#listed = null));
      this.#listed = { at: now, list };
    }
    return this.#listed.list;
  }

  async #readList(): Promise<PublicReleaseInfo[]> {
    const out: PublicReleaseInfo[] = [];
    for (const id of listReleaseIds(this.dataDir)) {
      const state = await this.stateOf(id);
      // Files without a governance record are not a release; candidates are not public.
      if (!state || !isPublicReleaseState(state.status)) continue;
      let m = this.#listMeta.get(id);
      if (!m) {
        try {
          m = readPublicManifest(this.dataDir, id);
        } catch {
          continue;
        }
        this.#listMeta.set(id, m);
      }
      out.push({
        id,
        status: state.status,
        createdAt: m.createdAt,
        publishedAt: state.publishedAt,
        withdrawnReason: state.status === 'withdrawn' ? state.withdrawnReason : null,
        indicators: m.indicators.map((i) => i.id),
        years: m.years,
        regionSet: m.regionSet,
        reviews: state.reviews.map((r) => ({
          capacity: r.capacity,
          decision: r.decision,
          createdAt: r.createdAt,
        })),
      });
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Releases the public may see: published and (visibly) withdrawn ones, oldest first. */
  listPublic(): Promise<PublicReleaseInfo[]> {
    return this.list();
  }

  async latestPublishedId(): Promise<string | null> {
    const published = (await this.list()).filter((r) => r.status === 'published');
    return published.at(-1)?.id ?? null;
  }

  async info(id: string): Promise<PublicReleaseInfo | null> {
    return (await this.list()).find((r) => r.id === id) ?? null;
  }

  async cells(id: string): Promise<IndexedCells> {
    await this.verify(id);
    let c = this.#cells.get(id);
    if (!c) {
      const rows = readPublicCells(this.dataDir, id);
      c = {
        rows,
        byIndicatorYear: new Map(),
        byIndicatorYearLevel: new Map(),
        byRegion: new Map(),
        byParent: new Map(),
      };
      for (const row of rows) {
        push(c.byIndicatorYear, `${row.indicator_id}|${row.year}`, row);
        push(c.byIndicatorYearLevel, `${row.indicator_id}|${row.year}|${row.region_level}`, row);
        push(c.byRegion, row.region_code, row);
        if (row.parent_code) push(c.byParent, row.parent_code, row);
      }
      this.#cells.set(id, c);
    }
    return c;
  }

  /** Comparable gemeenten of the latest published release, from its published cells only. */
  async comparable(code: string): Promise<(ComparableResult & { release: string }) | null> {
    const id = await this.latestPublishedId();
    if (!id) return null;
    let peers = this.#comparable.get(id);
    if (!peers) {
      peers = comparableGemeenten(
        (await this.cells(id)).rows,
        this.options.buurtenPerGemeente ?? new Map(),
      );
      this.#comparable.set(id, peers);
    }
    const found = peers.get(code);
    return found ? { ...found, release: id } : null;
  }
}

export interface CellQuery {
  indicator?: string;
  year?: number;
  level?: string;
  region?: string;
  parent?: string;
}

/** The smallest indexed list that contains every match, then a filter over it. */
function candidates(cells: IndexedCells, q: CellQuery): readonly PublicCell[] {
  if (q.region !== undefined) return cells.byRegion.get(q.region) ?? [];
  if (q.indicator !== undefined && q.year !== undefined) {
    if (q.level !== undefined) {
      return cells.byIndicatorYearLevel.get(`${q.indicator}|${q.year}|${q.level}`) ?? [];
    }
    return cells.byIndicatorYear.get(`${q.indicator}|${q.year}`) ?? [];
  }
  if (q.parent !== undefined) return cells.byParent.get(q.parent) ?? [];
  return cells.rows;
}

export function filterCells(cells: IndexedCells, q: CellQuery): PublicCell[] {
  return candidates(cells, q).filter(
    (r) =>
      (q.indicator === undefined || r.indicator_id === q.indicator) &&
      (q.year === undefined || r.year === q.year) &&
      (q.level === undefined || r.region_level === q.level) &&
      (q.region === undefined || r.region_code === q.region) &&
      (q.parent === undefined || r.parent_code === q.parent),
  );
}
