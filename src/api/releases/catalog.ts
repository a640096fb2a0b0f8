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
}

/** Lifecycle state per release id, as governance records it. */
export type ReleaseStateLookup = (id: string) => Promise<{
  status: ReleaseState;
  publishedAt: string | null;
  withdrawnReason?: string | null;
} | null>;

interface IndexedCells {
  rows: ReleaseRow[];
  byIndicatorYear: Map<string, ReleaseRow[]>;
}

export class ReleaseCatalog {
  readonly #cells = new Map<string, IndexedCells>();
  readonly #manifests = new Map<string, ReleaseManifest>();

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

  async list(): Promise<ReleaseInfo[]> {
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
      const byIndicatorYear = new Map<string, ReleaseRow[]>();
      for (const row of rows) {
        const key = `${row.indicator_id}|${row.year}`;
        let list = byIndicatorYear.get(key);
        if (!list) byIndicatorYear.set(key, (list = []));
        list.push(row);
      }
      c = { rows, byIndicatorYear };
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

export function filterCells(cells: IndexedCells, q: CellQuery): ReleaseRow[] {
  const base =
    q.indicator !== undefined && q.year !== undefined
      ? (cells.byIndicatorYear.get(`${q.indicator}|${q.year}`) ?? [])
      : cells.rows;
  return base.filter(
    (r) =>
      (q.indicator === undefined || r.indicator_id === q.indicator) &&
      (q.year === undefined || r.year === q.year) &&
      (q.level === undefined || r.region_level === q.level) &&
      (q.region === undefined || r.region_code === q.region) &&
      (q.parent === undefined || r.parent_code === q.parent),
  );
}
