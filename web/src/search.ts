/** Finding a gemeente by name, common name or code. Pure, so it is unit-tested in Node. */

export interface Named {
  code: string;
  name: string;
}

/** Everyday names that differ from the official CBS name. */
export const ALIASES: Readonly<Record<string, string>> = {
  'den haag': "'s-Gravenhage",
  'the hague': "'s-Gravenhage",
  haag: "'s-Gravenhage",
  'den bosch': "'s-Hertogenbosch",
  's hertogenbosch': "'s-Hertogenbosch",
  hertogenbosch: "'s-Hertogenbosch",
  'bergen nh': 'Bergen (NH.)',
  'bergen l': 'Bergen (L.)',
};

/** Lowercase, without accents, apostrophes, "'s-" prefixes or punctuation. */
export function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/^s-/, 's ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function searchRegions<R extends Named>(
  regions: readonly R[],
  query: string,
  limit = 10,
): R[] {
  const q = normalise(query);
  if (q === '') return [];
  const codeQ = q.replace(/\s/g, '').toUpperCase();
  const digits = /^(GM)?(\d{1,4})$/.exec(codeQ);
  const alias = ALIASES[q];
  const scored: { r: R; score: number }[] = [];
  for (const r of regions) {
    const name = normalise(r.name);
    let score = -1;
    if (r.code.toUpperCase() === codeQ) score = 100;
    else if (digits && r.code.endsWith((digits[2] as string).padStart(4, '0'))) score = 90;
    else if (alias !== undefined && r.name === alias) score = 95;
    else if (name === q) score = 80;
    else if (name.startsWith(q)) score = 60;
    else if (name.split(' ').some((w) => w.startsWith(q))) score = 50;
    else if (name.includes(q)) score = 40;
    if (score >= 0) scored.push({ r, score });
  }
  scored.sort((a, b) => b.score - a.score || a.r.name.localeCompare(b.r.name, 'nl'));
  return scored.slice(0, limit).map((x) => x.r);
}
