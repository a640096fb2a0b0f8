/** The three dimensions of a release dataset (Perioden, RegioS, Breakdown) with codes and groups. */
import { NATIONAL_CODE, REGION_LEVELS } from '../../regions/index.js';
import {
  breakdownCode,
  DIMENSION,
  periodCode,
  TOTAL_BREAKDOWN,
  type Dimension,
  type Group,
} from './dataset-vocabulary.js';
import type { PublicCell } from './types.js';

const LEVEL_GROUP_TITLE: Record<string, { many: string; one: string }> = {
  nederland: { many: 'Nederland', one: 'Nederland' },
  veiligheidsregio: { many: "Veiligheidsregio's", one: 'veiligheidsregio' },
  gemeente: { many: 'Gemeenten', one: 'gemeente' },
  wijk: { many: 'Wijken', one: 'wijk' },
  buurt: { many: 'Buurten', one: 'buurt' },
};

/** The region hierarchy as groups: one group per (parent, level), nested as the regions are. */
export function regionDimension(
  cells: readonly PublicCell[],
  regionName: (code: string) => string | undefined,
  mapYear: number | null,
): Dimension {
  const regions = new Map<string, { level: string; parent: string | null }>();
  for (const c of cells) {
    if (!regions.has(c.region_code))
      regions.set(c.region_code, { level: c.region_level, parent: c.parent_code });
  }
  const levelIndex = (l: string) => (REGION_LEVELS as readonly string[]).indexOf(l);
  const sorted = [...regions.entries()].sort(
    ([a, x], [b, y]) => levelIndex(x.level) - levelIndex(y.level) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const groupOf = (code: string): string | null => {
    const r = regions.get(code);
    if (!r) return null;
    return r.parent === null ? r.level : `${r.parent}.${r.level}`;
  };
  const groups = new Map<string, Group>();
  for (const [code, r] of sorted) {
    const id = groupOf(code) as string;
    if (groups.has(id)) continue;
    const title = LEVEL_GROUP_TITLE[r.level] ?? { many: r.level, one: r.level };
    const parentName = r.parent === null ? null : (regionName(r.parent) ?? r.parent);
    groups.set(id, {
      id,
      index: groups.size + 1,
      title: parentName === null ? title.many : `${title.many} in ${parentName}`,
      description:
        parentName === null ? '' : `De ${title.many.toLowerCase()} van ${parentName} (${r.parent})`,
      parentId: r.parent === null ? null : groupOf(r.parent),
    });
  }
  return {
    id: DIMENSION.region,
    index: 2,
    title: "Regio's",
    description:
      'Nederland (NL01), veiligheidsregio (VRxx), gemeente (GMxxxx), wijk (WKxxxxxx) en buurt (BUxxxxxxxx), in de CBS-indeling van het kaartjaar.',
    kind: 'GeoDimension',
    mapYear,
    codes: sorted.map(([code, r], i) => ({
      id: code,
      index: i + 1,
      title: regionName(code) ?? code,
      description: code === NATIONAL_CODE ? 'Nederland' : '',
      groupId: groupOf(code),
      level: r.level,
      parent: r.parent,
    })),
    groups: [...groups.values()],
  };
}

export function breakdownDimension(cells: readonly PublicCell[]): Dimension {
  const values = new Set<string>();
  for (const c of cells) values.add(c.breakdown);
  // `geslacht=man` → group `geslacht`; the total sits in a group of its own.
  const groupOf = (b: string) => (b === '' ? 'totaal' : (b.split('=')[0] as string));
  const sorted = [...values].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1));
  const groups = new Map<string, Group>();
  for (const b of sorted) {
    const id = groupOf(b);
    if (!groups.has(id))
      groups.set(id, {
        id,
        index: groups.size + 1,
        title: id === 'totaal' ? 'Totaal' : `${id.charAt(0).toUpperCase()}${id.slice(1)}`,
        description: '',
        parentId: null,
      });
  }
  return {
    id: DIMENSION.breakdown,
    index: 3,
    title: 'Uitsplitsing',
    description: `Uitsplitsing naar persoonskenmerk; ${TOTAL_BREAKDOWN} is het totaal.`,
    kind: 'Dimension',
    mapYear: null,
    codes: sorted.map((b, i) => ({
      id: breakdownCode(b),
      index: i + 1,
      title: b === '' ? 'Totaal' : (b.split('=')[1] ?? b),
      description: b === '' ? 'Totaal, niet uitgesplitst' : b,
      groupId: groupOf(b),
    })),
    groups: [...groups.values()],
  };
}

export function periodDimension(cells: readonly PublicCell[]): Dimension {
  const years = [...new Set(cells.map((c) => c.year))].sort((a, b) => a - b);
  return {
    id: DIMENSION.period,
    index: 1,
    title: 'Perioden',
    description: 'Kalenderjaar (CBS-periodecode JJ00).',
    kind: 'TimeDimension',
    mapYear: null,
    codes: years.map((y, i) => ({
      id: periodCode(y),
      index: i + 1,
      title: String(y),
      description: '',
      groupId: 'jaren',
    })),
    groups: years.length
      ? [{ id: 'jaren', index: 1, title: 'Jaren', description: '', parentId: null }]
      : [],
  };
}
