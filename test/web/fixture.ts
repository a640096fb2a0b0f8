/**
 * A deterministic fixture of the public API for the dashboard tests and the API benchmark:
 * gemeenten laid out as rectangles (wijken and buurten as strips inside them; Vlieland's are
 * synthetic, the others real), three indicators, published releases (one withdrawn) and a
 * candidate, with confidential figures in small areas.
 * Rings are written counter-clockwise (RFC 7946) on purpose: the dashboard must rewind them.
 *
 * `buildFixture()` is the one generator: it returns the public cells (`cells`), regions and
 * indicators that the test server answers with, and, for feeding a real release store, the
 * internal rows they were derived from (`rows`, restricted: the public cells are
 * `rows.map(toPublicCell)` of src/public). The test server never serves `rows`.
 */
import { createHash } from 'node:crypto';
import type { AuditRuleReport, PublishedCell, RuleProfile } from '../../src/disclosure/index.js';
import type { Polygon } from 'geojson';
import type { IndicatorMeta } from '../../src/contracts/indicators.js';
import { DEFAULT_PROFILES } from '../../src/disclosure/profiles.js';
import { catalogueMeta } from '../support/catalogue-meta.js';
import {
  countByStatus,
  PUBLIC_CELL_COLUMNS,
  publicAuditSummary,
  publicManifest,
  toPublicCell,
  type PublicCell,
  type PublicManifest,
} from '../../src/public/index.js';
import {
  indicatorSummary,
  releaseSummary,
  type ReleaseSource,
} from '../../src/api/opendata/index.js';

export type Level = 'nederland' | 'veiligheidsregio' | 'gemeente' | 'wijk' | 'buurt';

export interface FixtureRegion {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  synthetic: boolean;
  /** [west, south, east, north] in degrees, for levels with geometry. */
  box: [number, number, number, number] | null;
  population: number;
}

/** An indicator as the API describes it (the fixture's have no breakdowns). */
export type FixtureIndicator = Omit<IndicatorMeta, 'breakdowns'>;

export interface FixtureReview {
  userId: string;
  capacity: string;
  decision: 'approve' | 'reject';
  reason: string;
  createdAt: string;
}

/** A release as the fixture knows it: its public info plus what only the airlock shows. */
export interface FixtureRelease {
  id: string;
  state: 'published' | 'withdrawn' | 'candidate';
  createdAt: string;
  publishedAt: string | null;
  withdrawnReason: string | null;
  indicators: string[];
  years: number[];
  reviews: FixtureReview[];
  /** sha256 of the candidate's files (what an approval signs). */
  digest: string;
  previousRelease: string | null;
}

/** `GET /api/v1/releases` item: the public view of a release. */
export interface PublicReleaseInfo {
  id: string;
  status: 'published' | 'withdrawn';
  createdAt: string;
  publishedAt: string | null;
  withdrawnReason: string | null;
  indicators: string[];
  years: number[];
  regionSet: { year: number; kind: 'cbs' | 'synthetic'; attribution: string | null };
  reviews: { capacity: string; decision: 'approve' | 'reject'; createdAt: string }[];
}

/** `GET /api/v1/regions` item. */
export interface PublicRegion {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  synthetic: boolean;
}

export interface Fixture {
  regions: FixtureRegion[];
  byCode: Map<string, FixtureRegion>;
  indicators: FixtureIndicator[];
  /** The disclosure rule profile of each indicator (public, in every manifest). */
  profiles: Record<string, RuleProfile>;
  releases: FixtureRelease[];
  /** Public cells per release id: what the API serves. */
  cells: Map<string, PublicCell[]>;
  /** Internal rows per release id (restricted), from which `cells` derive. */
  rows: Map<string, PublishedCell[]>;
  /** Public manifest per release id (releases whose cells were built). */
  manifests: Map<string, PublicManifest>;
  peers: (code: string) => string[];
  /** How `peers` chooses, in both languages (`/regions/:code/comparable`). */
  comparableMethod: { nl: string; en: string };
}

const NAMED: [string, string, number][] = [
  ['GM0363', 'Amsterdam', 918_000],
  ['GM0518', "'s-Gravenhage", 552_000],
  ['GM0599', 'Rotterdam', 655_000],
  ['GM0344', 'Utrecht', 361_000],
  ['GM0855', 'Tilburg', 224_000],
  ['GM0014', 'Groningen', 234_000],
  ['GM0034', 'Almere', 218_000],
  ['GM0935', 'Maastricht', 121_000],
  ['GM0772', 'Eindhoven', 238_000],
  ['GM0096', 'Vlieland', 1_150],
];

export const YEARS = [2019, 2020, 2021, 2022, 2023];

/** Every fixture indicator covers every level and year (spread where they stood, so key order holds). */
const EVERY_LEVEL_AND_YEAR: Pick<FixtureIndicator, 'levels' | 'years'> = {
  levels: ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'],
  years: YEARS,
};

const PERCENTAGE: Pick<FixtureIndicator, 'kind' | 'unit' | 'units'> = {
  kind: 'percentage',
  unit: '%',
  units: { nl: '%', en: '%' },
};

/**
 * Rule profiles of the three base indicators: the defaults for ratios, one with a larger
 * minimum denominator, so that a rule of the release summary has two parameter groups.
 */
export const PROFILES: Record<string, RuleProfile> = {
  drugs_verdachten: { ...DEFAULT_PROFILES.ratio },
  jonge_aanwas: { ...DEFAULT_PROFILES.ratio },
  onverklaarbare_aankopen: { ...DEFAULT_PROFILES.ratio, minDenominator: 100 },
};

const PROVIDER_NAMES: Record<string, string> = {
  politie_verdachten: 'Politie',
  brp_personen: 'Gemeenten (BRP)',
  kadaster_transacties: 'Kadaster',
  bd_inkomen: 'Belastingdienst',
};

const sourcesOf = (...datasets: string[]): FixtureIndicator['sources'] =>
  datasets.map((dataset) => ({ dataset, provider: PROVIDER_NAMES[dataset] as string }));

/** A base indicator: every level and year, and its rule profile (key order as the server's). */
const baseIndicator = (
  i: Omit<FixtureIndicator, 'levels' | 'years' | 'disclosure'>,
): FixtureIndicator => ({
  ...i,
  ...EVERY_LEVEL_AND_YEAR,
  disclosure: PROFILES[i.id] as RuleProfile,
});

export const INDICATORS: FixtureIndicator[] = [
  baseIndicator({
    id: 'drugs_verdachten',
    title: { nl: 'Drugsverdachten per 1.000 inwoners', en: 'Drug suspects per 1,000 residents' },
    description: {
      nl: 'Aantal inwoners dat in het jaar verdachte was van een drugsdelict, per 1.000 inwoners.',
      en: 'Residents suspected of a drug offence in the year, per 1,000 residents.',
    },
    theme: 'drugs',
    kind: 'rate_per_1000',
    unit: 'per 1.000 inwoners',
    units: { nl: 'per 1.000 inwoners', en: 'per 1,000 residents' },
    regionBasis: { nl: 'woonadres van de verdachte', en: 'home address of the suspect' },
    sources: sourcesOf('politie_verdachten', 'brp_personen'),
    methodology: {
      nl: 'Gekoppeld op pseudoniemen; woonplaats op 1 januari.',
      en: 'Linked on pseudonyms; residence on 1 January.',
    },
  }),
  baseIndicator({
    id: 'jonge_aanwas',
    title: {
      nl: 'Jongeren (12–23) verdacht van een misdrijf',
      en: 'Young people (12–23) suspected of an offence',
    },
    description: {
      nl: 'Aandeel inwoners van 12 tot en met 23 jaar dat verdacht was.',
      en: 'Share of residents aged 12 to 23 who were suspects.',
    },
    theme: 'jonge_aanwas',
    ...PERCENTAGE,
    regionBasis: { nl: 'woonadres van de jongere', en: 'home address of the young person' },
    sources: sourcesOf('politie_verdachten'),
    methodology: {
      nl: 'Noemer: inwoners van 12–23 jaar.',
      en: 'Denominator: residents aged 12–23.',
    },
  }),
  baseIndicator({
    id: 'onverklaarbare_aankopen',
    title: { nl: 'Onverklaarbare woningaankopen', en: 'Unexplained house purchases' },
    description: {
      nl: 'Aandeel woningaankopen met een onverklaarbaar bedrag.',
      en: 'Share of house purchases with an unexplained sum.',
    },
    theme: 'vastgoed',
    ...PERCENTAGE,
    regionBasis: { nl: 'ligging van de woning', en: 'location of the dwelling' },
    sources: sourcesOf('kadaster_transacties', 'bd_inkomen'),
    methodology: {
      nl: 'Koopsom min het maximale budget van het huishouden.',
      en: 'Purchase price minus the household maximum budget.',
    },
  }),
];

/**
 * A count (`FixtureSize.counts`): the catalogue's own inwoners, so that a profile has a figure that
 * must not be compared, and the real server's comparable gemeenten (from published inwoners) exist.
 */
export const INWONERS: FixtureIndicator = {
  ...catalogueMeta('inwoners', EVERY_LEVEL_AND_YEAR),
  disclosure: { ...DEFAULT_PROFILES.count },
};

/** A small deterministic hash in [0, 1). */
function unit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

export interface FixtureSize {
  gemeenten?: number;
  wijkenPerGemeente?: number;
  buurtenPerWijk?: number;
  /** Number of indicators (default 3); more are variants of the three, for realistic volumes. */
  indicators?: number;
  /** Build the cells of these releases only (default: all three). */
  releases?: string[];
  /** Add a count indicator (INWONERS) after the others. */
  counts?: boolean;
}

function indicatorList(n: number): FixtureIndicator[] {
  const out: FixtureIndicator[] = [];
  for (let k = 0; k < n; k++) {
    const base = INDICATORS[k % INDICATORS.length] as FixtureIndicator;
    const round = Math.floor(k / INDICATORS.length);
    out.push(
      round === 0
        ? base
        : {
            ...base,
            id: `${base.id}_v${round}`,
            title: {
              nl: `${base.title.nl} (variant ${round})`,
              en: `${base.title.en} (variant ${round})`,
            },
          },
    );
  }
  return out;
}

export function buildFixture(size: FixtureSize = {}): Fixture {
  const nGm = size.gemeenten ?? 10;
  const nWk = size.wijkenPerGemeente ?? 2;
  const nBu = size.buurtenPerWijk ?? 2;
  const cols = Math.ceil(Math.sqrt(nGm));
  const rowsOfGrid = Math.ceil(nGm / cols);
  const nVr = Math.min(25, Math.max(2, Math.ceil(nGm / 14)));
  const W = 0.3;
  const H = 0.2;
  const regions: FixtureRegion[] = [
    {
      code: 'NL01',
      name: 'Nederland',
      level: 'nederland',
      parentCode: null,
      synthetic: false,
      box: null,
      population: 0,
    },
  ];
  const vrs: FixtureRegion[] = [];
  for (let v = 0; v < nVr; v++) {
    const code = `VR${String(v + 1).padStart(2, '0')}`;
    vrs.push({
      code,
      name: `Veiligheidsregio ${v + 1}`,
      level: 'veiligheidsregio',
      parentCode: 'NL01',
      synthetic: false,
      box: null,
      population: 0,
    });
  }
  regions.push(...vrs);
  for (let g = 0; g < nGm; g++) {
    const named = NAMED[g];
    const code = named ? named[0] : `GM${String(1000 + g).padStart(4, '0')}`;
    const col = g % cols;
    const row = Math.floor(g / cols);
    const west = 4 + col * W;
    const south = 52 + (rowsOfGrid - 1 - row) * H;
    // Veiligheidsregio's are bands of columns, so that their outlines are simple.
    const vr = vrs[Math.min(nVr - 1, Math.floor((col * nVr) / cols))] as FixtureRegion;
    const pop = named ? named[2] : 20_000 + Math.round(unit(code) * 100_000);
    vr.population += pop;
    vr.box = vr.box
      ? [
          Math.min(vr.box[0], west),
          Math.min(vr.box[1], south),
          Math.max(vr.box[2], west + W),
          Math.max(vr.box[3], south + H),
        ]
      : [west, south, west + W, south + H];
    regions.push({
      code,
      name: named ? named[1] : `Gemeente ${g + 1}`,
      level: 'gemeente',
      parentCode: vr.code,
      synthetic: false,
      box: [west, south, west + W, south + H],
      population: pop,
    });
    const digits = code.slice(2);
    // Vlieland's wijken and buurten are generated (as for a gemeente the CBS division lacks them).
    const generated = code === 'GM0096';
    for (let w = 0; w < nWk; w++) {
      const wk = `WK${digits}${String(w).padStart(2, '0')}`;
      const wSouth = south + (H * w) / nWk;
      const wNorth = south + (H * (w + 1)) / nWk;
      regions.push({
        code: wk,
        name: `Wijk ${w + 1} ${named ? named[1] : g + 1}`,
        level: 'wijk',
        parentCode: code,
        synthetic: generated,
        box: [west, wSouth, west + W, wNorth],
        population: Math.round(pop / nWk),
      });
      for (let b = 0; b < nBu; b++) {
        const bu = `BU${digits}${String(w).padStart(2, '0')}${String(b).padStart(2, '0')}`;
        regions.push({
          code: bu,
          name: `Buurt ${w + 1}.${b + 1} ${named ? named[1] : g + 1}`,
          level: 'buurt',
          parentCode: wk,
          synthetic: generated,
          box: [west + (W * b) / nBu, wSouth, west + (W * (b + 1)) / nBu, wNorth],
          // One tiny buurt in Maastricht: confidential alone in its wijk, so a partner is too.
          population: code === 'GM0935' && w === 0 && b === 0 ? 40 : Math.round(pop / nWk / nBu),
        });
      }
    }
  }
  (regions[0] as FixtureRegion).population = vrs.reduce((s, v) => s + v.population, 0);
  const byCode = new Map(regions.map((r) => [r.code, r]));

  const indicators = [
    ...indicatorList(size.indicators ?? INDICATORS.length),
    ...(size.counts ? [INWONERS] : []),
  ];
  const profiles: Record<string, RuleProfile> = {};
  for (const ind of indicators) profiles[ind.id] = ind.disclosure as RuleProfile;
  const all = indicators.map((i) => i.id);
  const digest = (id: string): string =>
    createHash('sha256').update(`files of ${id}`).digest('hex');
  // Both providers and two board members approve, each at their hour of `day`.
  const approvals = (day: string): FixtureReview[] =>
    (
      [
        ['u-politie', 'politie', '08'],
        ['u-bd', 'belastingdienst', '09'],
        ['u-board-1', 'board', '14'],
        ['u-board-2', 'board', '15'],
      ] as const
    ).map(([userId, capacity, hour]) => ({
      userId,
      capacity,
      decision: 'approve',
      reason: '',
      createdAt: `${day}T${hour}:00:00Z`,
    }));
  const releases: FixtureRelease[] = [
    {
      id: 'r2026-01',
      state: 'published',
      createdAt: '2026-01-10T09:00:00Z',
      publishedAt: '2026-01-12T10:00:00Z',
      withdrawnReason: null,
      indicators: all.filter((id) => !id.startsWith('onverklaarbare_aankopen')),
      years: YEARS,
      reviews: approvals('2026-01-11'),
      digest: digest('r2026-01'),
      previousRelease: null,
    },
    {
      id: 'r2026-02',
      state: 'withdrawn',
      createdAt: '2026-02-10T09:00:00Z',
      publishedAt: '2026-02-12T10:00:00Z',
      withdrawnReason: 'Een aanlevering bleek onvolledig; vervangen door r2026-03.',
      indicators: all.filter((id) => !id.startsWith('onverklaarbare_aankopen')),
      years: YEARS,
      reviews: approvals('2026-02-11'),
      digest: digest('r2026-02'),
      previousRelease: 'r2026-01',
    },
    {
      id: 'r2026-03',
      state: 'published',
      createdAt: '2026-03-10T09:00:00Z',
      publishedAt: '2026-03-12T10:00:00Z',
      withdrawnReason: null,
      indicators: all,
      years: YEARS,
      reviews: approvals('2026-03-11'),
      digest: digest('r2026-03'),
      // Revises r2026-01 (r2026-02 was withdrawn).
      previousRelease: 'r2026-01',
    },
    {
      id: 'r2026-05',
      state: 'candidate',
      createdAt: '2026-05-10T09:00:00Z',
      publishedAt: null,
      withdrawnReason: null,
      indicators: all,
      years: YEARS,
      reviews: [],
      digest: digest('r2026-05'),
      previousRelease: 'r2026-03',
    },
  ];
  const rows = new Map<string, PublishedCell[]>();
  const cells = new Map<string, PublicCell[]>();
  const manifests = new Map<string, PublicManifest>();
  for (const rel of releases) {
    if (size.releases && !size.releases.includes(rel.id)) continue;
    const internal = makeRows(rel, regions, indicators);
    const pub = internal.map(toPublicCell);
    rows.set(rel.id, internal);
    cells.set(rel.id, pub);
    manifests.set(rel.id, makeManifest(rel, indicators, profiles, internal, pub));
  }

  const gemeenten = regions.filter((r) => r.level === 'gemeente');
  const peers = (code: string): string[] => {
    const me = byCode.get(code);
    if (!me || me.level !== 'gemeente') return [];
    // Comparable = closest in population, as a simple stand-in for the real method.
    return gemeenten
      .filter((g) => g.code !== code)
      .sort(
        (a, b) => Math.abs(a.population - me.population) - Math.abs(b.population - me.population),
      )
      .slice(0, 4)
      .map((g) => g.code);
  };
  return {
    regions,
    byCode,
    indicators,
    profiles,
    releases,
    cells,
    rows,
    manifests,
    peers,
    comparableMethod: {
      nl: 'de vier gemeenten die in aantal inwoners het dichtst bij liggen (testgegevens)',
      en: 'the four gemeenten closest in number of residents (test data)',
    },
  };
}

/** Internal rows: threshold and minimum denominator, then one partner per lone confidential buurt. */
function makeRows(
  rel: FixtureRelease,
  regions: readonly FixtureRegion[],
  indicators: readonly FixtureIndicator[],
): PublishedCell[] {
  const rows: PublishedCell[] = [];
  const revision = rel.id === 'r2026-01' ? 0 : 1;
  for (const indId of rel.indicators) {
    const ind = indicators.find((i) => i.id === indId) as FixtureIndicator;
    const per = ind.kind.startsWith('rate') ? 1000 : 100;
    for (const year of rel.years) {
      const byWijk = new Map<string, PublishedCell[]>();
      for (const r of regions) {
        if (ind.kind === 'count') {
          const row = countRow(indId, year, r);
          rows.push(row);
          if (r.level === 'buurt' && r.parentCode)
            byWijk.set(r.parentCode, [...(byWijk.get(r.parentCode) ?? []), row]);
          continue;
        }
        // Rates differ by region and drift over the years; the later release revises 2023.
        const base = 1 + unit(`${indId}|${r.code}`) * 6;
        const rate = base * (1 + (year - 2019) * 0.04) * (year === 2023 && revision ? 1.05 : 1);
        const denominator = ind.id.startsWith('jonge_aanwas')
          ? Math.round(r.population * 0.15)
          : r.population;
        const rawNum = (rate / per) * denominator * (ind.kind.startsWith('rate') ? 1 : 10);
        const numerator = Math.round(rawNum / 5) * 5;
        const tooFew = rawNum < 10;
        const tooSmall = denominator < 50;
        const hidden = tooFew || tooSmall;
        const row: PublishedCell = {
          ...cellPlace(indId, year, r),
          value: hidden ? null : Math.round((numerator / denominator) * per * 100) / 100,
          numerator: hidden ? null : numerator,
          denominator: hidden ? null : Math.round(denominator / 5) * 5,
          status: hidden ? 'suppressed-primary' : 'published',
          rule: tooSmall ? 'min-denominator' : tooFew ? 'frequency' : null,
        };
        rows.push(row);
        if (r.level === 'buurt' && r.parentCode)
          byWijk.set(r.parentCode, [...(byWijk.get(r.parentCode) ?? []), row]);
      }
      // A lone confidential buurt in a wijk could be recomputed from the wijk total: hide a partner.
      for (const list of byWijk.values()) {
        const primary = list.filter((c) => c.status === 'suppressed-primary');
        const partner = list.find((c) => c.status === 'published');
        if (primary.length === 1 && partner) {
          Object.assign(partner, {
            status: 'suppressed-secondary',
            rule: 'secondary',
            value: null,
            numerator: null,
            denominator: null,
          });
        }
      }
    }
  }
  return rows;
}

/** Where a fixture cell stands: its indicator, year and region, no breakdown. */
function cellPlace(indId: string, year: number, r: FixtureRegion) {
  return {
    indicator_id: indId,
    year,
    region_level: r.level,
    region_code: r.code,
    parent_code: r.parentCode,
    breakdown: '',
  };
}

/** A count of units (inwoners), growing slowly; under 10 it is confidential. */
function countRow(indId: string, year: number, r: FixtureRegion): PublishedCell {
  const raw = r.population * (1 + (year - 2019) * 0.01);
  const value = Math.round(raw / 5) * 5;
  const hidden = raw < 10;
  return {
    ...cellPlace(indId, year, r),
    value: hidden ? null : value,
    numerator: hidden ? null : value,
    denominator: null,
    status: hidden ? 'suppressed-primary' : 'published',
    rule: hidden ? 'frequency' : null,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The public manifest, through the same reductions (src/public) as a real release. */
function makeManifest(
  rel: FixtureRelease,
  indicators: readonly FixtureIndicator[],
  profiles: Record<string, RuleProfile>,
  internal: readonly PublishedCell[],
  pub: readonly PublicCell[],
): PublicManifest {
  const { rules } = fixtureAudit(internal);
  const own = indicators.filter((i) => rel.indicators.includes(i.id));
  const ownProfiles = Object.fromEntries(own.map((i) => [i.id, profiles[i.id] as RuleProfile]));
  const csv = pub
    .map((c) => PUBLIC_CELL_COLUMNS.map((k) => String(c[k] ?? '')).join(','))
    .join('\n');
  return publicManifest(
    {
      id: rel.id,
      createdAt: rel.createdAt,
      codeVersion: '0.1.0-test',
      regionSet: { year: 2023, kind: 'synthetic' },
      years: rel.years,
      indicators: own.map((i) => ({ id: i.id, levels: i.levels, breakdowns: [] })),
      rules: ownProfiles,
      inputs: [...new Map(own.flatMap((i) => i.sources).map((s) => [s.dataset, s])).values()],
      previousRelease: rel.previousRelease,
      notes: [
        {
          nl: 'Totalen tellen niet altijd op: aantallen zijn na de geheimhouding afgerond.',
          en: 'Totals may not add up: counts are rounded after suppression.',
        },
      ],
    },
    { count: pub.length, sha256: sha256(csv), byStatus: countByStatus(pub) },
    publicAuditSummary({ passed: true, rules }, ownProfiles),
  );
}

/** The public view of a release (`GET /api/v1/releases` item). */
/** The fixture's country is synthetic (its regions are boxes, not CBS areas). */
const FIXTURE_REGION_SET = { year: 2023, kind: 'synthetic', attribution: null } as const;

export function releaseInfo(r: FixtureRelease): PublicReleaseInfo {
  if (r.state === 'candidate') throw new Error(`release ${r.id} is not public`);
  return {
    id: r.id,
    status: r.state,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
    withdrawnReason: r.withdrawnReason,
    indicators: r.indicators,
    years: r.years,
    regionSet: FIXTURE_REGION_SET,
    reviews: r.reviews.map(({ capacity, decision, createdAt }) => ({
      capacity,
      decision,
      createdAt,
    })),
  };
}

/** Releases the public sees (published and withdrawn), oldest first. */
export function publicReleases(f: Fixture): PublicReleaseInfo[] {
  return f.releases
    .filter((r) => r.state !== 'candidate')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map(releaseInfo);
}

export function latestPublished(f: Fixture): FixtureRelease | undefined {
  return f.releases
    .filter((r) => r.state === 'published')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
}

/** The public view of a region (`GET /api/v1/regions` item). */
export function publicRegion(r: FixtureRegion): PublicRegion {
  return {
    code: r.code,
    name: r.name,
    level: r.level,
    parentCode: r.parentCode,
    synthetic: r.synthetic,
  };
}

/** GeoJSON of one level (optionally within a gemeente), rings counter-clockwise as RFC 7946 says. */
export function geoJson(f: Fixture, level: Level, within?: string): unknown {
  const digits = within?.slice(2);
  const features: unknown[] = [];
  for (const r of f.regions) {
    if (r.level !== level || !r.box) continue;
    if (digits && level !== 'veiligheidsregio' && r.code.slice(2, 6) !== digits) continue;
    const [w, s, e, n] = r.box;
    features.push({
      type: 'Feature',
      properties: { code: r.code, name: r.name },
      geometry: boxPolygon([w, s, e, n]),
    });
  }
  return features.length === 0 ? null : { type: 'FeatureCollection', features };
}

/** The fixture as the open data plugin's release source (public cells only). */
export function releaseSource(f: Fixture): ReleaseSource {
  return {
    list: async () => publicReleases(f).map(releaseSummary),
    cells: async (id) => {
      const cells = f.cells.get(id);
      if (!cells) throw new Error(`no release ${id}`);
      return cells;
    },
    parquetPath: async () => null,
    indicators: () => f.indicators.map(indicatorSummary),
    regionName: (code) => f.byCode.get(code)?.name,
    latestPublishedId: async () => latestPublished(f)?.id ?? null,
  };
}

/** A region's box as a GeoJSON polygon (counter-clockwise, RFC 7946: the dashboard rewinds it). */
export function boxPolygon([w, s, e, n]: [number, number, number, number]): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}

/** The audit of a release's rows as the fixture's manifest reports it: one passed entry per rule. */
export function fixtureAudit(rows: readonly { rule: string | null }[]): {
  passed: true;
  rules: AuditRuleReport[];
} {
  const byRule = new Map<string, number>();
  for (const r of rows) if (r.rule) byRule.set(r.rule, (byRule.get(r.rule) ?? 0) + 1);
  const rules: AuditRuleReport[] = [...byRule.entries()].map(([rule, n]) => ({
    rule: rule as AuditRuleReport['rule'],
    cells: n,
    passed: true,
    narrowestMargin: null,
    intervals: [],
  }));
  return { passed: true, rules };
}
