/**
 * What the public API knows of releases: their lifecycle state (from governance) and their cells
 * (from the immutable release files, cached after the first read since they never change).
 */
import {
  listReleaseIds,
  readAudit,
  readManifest,
  readReleaseRows,
  type ReleaseManifest,
  type ReleaseRow,
} from '../../release/index.js';

export type ReleaseState = 'candidate' | 'published' | 'withdrawn' | 'rejected';

export interface ReleaseInfo {
  id: string;
  status: ReleaseState;
  createdAt: string;
  publishedAt: string | null;
  withdrawnReason?: string | null;
  indicators: string[];
  years: number[];
  /** Who approved or rejected it, by capacity (a provider organisation or the board). */
  reviews: PublicReview[];
}

export interface PublicReview {
  capacity: string;
  decision: 'approve' | 'reject';
  reason: string;
  createdAt: string;
}

/** Lifecycle state per release id, as governance records it. */
export type ReleaseStateLookup = (id: string) => Promise<{
  status: ReleaseState;
  publishedAt: string | null;
  withdrawnReason?: string | null;
  reviews?: PublicReview[];
} | null>;

/** Cells of one release with the indexes the API's queries use (built once: releases are immutable). */
interface IndexedCells {
  rows: ReleaseRow[];
  byIndicatorYear: Map<string, ReleaseRow[]>;
  byIndicatorYearLevel: Map<string, ReleaseRow[]>;
  byRegion: Map<string, ReleaseRow[]>;
  byParent: Map<string, ReleaseRow[]>;
}

function push(index: Map<string, ReleaseRow[]>, key: string, row: ReleaseRow): void {
  let list = index.get(key);
  if (!list) index.set(key, (list = []));
  list.push(row);
}

export class ReleaseCatalog {
  readonly #cells = new Map<string, IndexedCells>();
  readonly #manifests = new Map<string, ReleaseManifest>();
  /** Lifecycle states change rarely (publication, withdrawal): read them at most once a second. */
  #listed: { at: number; list: Promise<ReleaseInfo[]> } | null = null;
  static readonly STATE_TTL_MS = 1000;

  constructor(
    readonly dataDir: string,
    private readonly stateOf: ReleaseStateLookup,
  ) {}

  manifest(id: string): ReleaseManifest {
    let m = this.#manifests.get(id);
    if (!m) {
      m = readManifest(this.dataDir, id);
      this.#manifests.set(id, m);
    }
    return m;
  }

  audit(id: string): unknown {
    return readAudit(this.dataDir, id);
  }

  list(): Promise<ReleaseInfo[]> {
    const now = Date.now();
    if (!this.#listed || now - this.#listed.at > ReleaseCatalog.STATE_TTL_MS) {
      const list = this.#readList();
      list.catch(() => (this.#listed = null));
      this.#listed = { at: now, list };
    }
    return this.#listed.list;
  }

  async #readList(): Promise<ReleaseInfo[]> {
    const out: ReleaseInfo[] = [];
    for (const id of listReleaseIds(this.dataDir)) {
      const state = await this.stateOf(id);
      if (!state) continue; // files without a governance record are not a release
      const m = this.manifest(id);
      out.push({
        id,
        status: state.status,
        createdAt: m.createdAt,
        publishedAt: state.publishedAt,
        withdrawnReason: state.withdrawnReason ?? null,
        indicators: (m.indicators as { id: string }[]).map((i) => i.id),
        years: m.years,
        reviews: state.reviews ?? [],
      });
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Releases the public may see: published and (visibly) withdrawn ones. */
  async listPublic(): Promise<ReleaseInfo[]> {
    return (await this.list()).filter((r) => r.status === 'published' || r.status === 'withdrawn');
  }

  async latestPublishedId(): Promise<string | null> {
    const published = (await this.list()).filter((r) => r.status === 'published');
    return published.at(-1)?.id ?? null;
  }

  async info(id: string): Promise<ReleaseInfo | null> {
    return (await this.list()).find((r) => r.id === id) ?? null;
  }

  cells(id: string): IndexedCells {
    let c = this.#cells.get(id);
    if (!c) {
      const rows = readReleaseRows(this.dataDir, id);
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
}

export interface CellQuery {
  indicator?: string;
  year?: number;
  level?: string;
  region?: string;
  parent?: string;
}

/** The smallest indexed list that contains every match, then a filter over it. */
function candidates(cells: IndexedCells, q: CellQuery): readonly ReleaseRow[] {
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

export function filterCells(cells: IndexedCells, q: CellQuery): ReleaseRow[] {
  return candidates(cells, q).filter(
    (r) =>
      (q.indicator === undefined || r.indicator_id === q.indicator) &&
      (q.year === undefined || r.year === q.year) &&
      (q.level === undefined || r.region_level === q.level) &&
      (q.region === undefined || r.region_code === q.region) &&
      (q.parent === undefined || r.parent_code === q.parent),
  );
}
