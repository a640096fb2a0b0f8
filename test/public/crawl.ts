/**
 * Walks every public route of a running server: each GET path of the OpenAPI document that is not
 * a governance route (with its parameters filled in from the release), every OData entity set with
 * its next pages, and the downloads. The release comparison is read against `fromReleaseId` (and
 * against the default earlier release). Used by the crawler test and the non-interference property.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface Fetched {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface CrawlContext {
  releaseId: string;
  gemeente: string;
  indicator: string;
  year: number;
  /** An earlier published release to compare `releaseId` with (default: the release itself). */
  fromReleaseId?: string;
}

/**
 * Headers that vary per request by design (not derived from data); the request id is random
 * per request.
 */
const VOLATILE = new Set([
  'date',
  'x-ratelimit-reset',
  'x-ratelimit-remaining',
  'x-request-id',
  'connection',
]);

async function get(app: FastifyInstance, url: string): Promise<Fetched> {
  const res: LightMyRequestResponse = await app.inject({ method: 'GET', url });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (!VOLATILE.has(k.toLowerCase())) headers[k.toLowerCase()] = String(v);
  }
  return { url, status: res.statusCode, headers, body: res.rawPayload };
}

function expandPath(path: string, c: CrawlContext): string[] {
  const ids = path.includes('{id}') ? [c.releaseId, 'latest'] : [''];
  return ids.map((id) =>
    path
      .replace('{id}', encodeURIComponent(id))
      .replace('{code}', c.gemeente)
      .replace('{catalog}', 'Samenzicht')
      .replace('{set}', 'Observations'),
  );
}

/** Query variants per public path: filters that users send, and the paging parameters. */
function queries(path: string, c: CrawlContext): string[] {
  if (path.endsWith('/cells') || path.endsWith('/cells.csv')) {
    return [
      '',
      `?indicator=${c.indicator}&year=${c.year}&level=gemeente`,
      `?region=${c.gemeente}`,
      `?parent=${c.gemeente}`,
      `?level=nederland&limit=3`,
      `?limit=5&offset=5`,
    ];
  }
  if (path.endsWith('/regions')) return ['', '?level=gemeente', '?level=buurt&limit=50'];
  if (path.endsWith('/zoekgebieden') || path.endsWith('/zoekgebieden.csv')) {
    return ['', `?gemeente=${c.gemeente}`, `?gemeente=${c.gemeente}&level=wijk&q=0.1`];
  }
  if (path.endsWith('/changes') || path.endsWith('/changes.csv')) {
    const from = `from=${encodeURIComponent(c.fromReleaseId ?? c.releaseId)}`;
    return [
      '',
      `?${from}`,
      `?${from}&indicator=${c.indicator}`,
      `?${from}&kind=changed`,
      `?${from}&kind=now-confidential`,
      `?${from}&kind=now-published`,
      ...(path.endsWith('.csv') ? [] : [`?${from}&limit=5`, `?${from}&limit=5&offset=5`]),
    ];
  }
  if (path.endsWith('/regions/geo')) {
    return ['?level=gemeente', '?level=veiligheidsregio', `?level=buurt&within=${c.gemeente}`];
  }
  if (path.endsWith('/releases') || path.endsWith('/indicators')) return ['', '?limit=1'];
  return [''];
}

/** Every public response of the server for one release. */
export async function crawlPublic(app: FastifyInstance, c: CrawlContext): Promise<Fetched[]> {
  const spec = JSON.parse((await get(app, '/api/v1/openapi.json')).body.toString('utf8')) as {
    paths: Record<string, Record<string, { tags?: string[] }>>;
  };
  const urls: string[] = ['/api/v1/openapi.json'];
  for (const [path, ops] of Object.entries(spec.paths)) {
    const op = ops['get'];
    if (!op || (op.tags ?? []).includes('governance')) continue;
    for (const p of expandPath(path, c)) for (const q of queries(path, c)) urls.push(p + q);
  }
  const out: Fetched[] = [];
  const seen = new Set<string>();
  const visit = async (url: string): Promise<Fetched> => {
    const f = await get(app, url);
    seen.add(url);
    out.push(f);
    return f;
  };
  for (const url of urls) {
    if (seen.has(url)) continue;
    const f = await visit(url);
    // Follow redirects (latest) and one next page of every paged list.
    const location = f.headers['location'];
    if (f.status === 307 && location && !seen.has(location)) await visit(location);
  }
  const pathOf = (url: string) => {
    const u = new URL(url, 'http://x');
    return u.pathname + u.search;
  };
  /** Visits a set and its next page (`nextKey` is v4's `@odata.nextLink` or v3's `odata.nextLink`). */
  const pagesOf = async (first: string, nextKey: string) => {
    let url: string | null = first;
    for (let pageNo = 0; url && pageNo < 2; pageNo++) {
      const f = await visit(url);
      if (f.status !== 200) return;
      const next = (JSON.parse(f.body.toString('utf8')) as Record<string, string | undefined>)[
        nextKey
      ];
      url = next ? pathOf(next) : null;
    }
  };
  /** Visits a service document (with `query`) and its $metadata: the sets it lists, if any. */
  const setsOf = async <S>(root: string, query: string): Promise<S[]> => {
    const doc = await visit(`${root}/${query}`);
    await visit(`${root}/$metadata`);
    if (doc.status !== 200) return [];
    return (JSON.parse(doc.body.toString('utf8')) as { value: S[] }).value;
  };
  // OData v4: the catalogue, the latest and the explicit release; every set two pages deep.
  const id = encodeURIComponent(c.releaseId);
  for (const root of ['/odata/v1', '/odata/v4', `/odata/v1/Samenzicht/${id}`]) {
    for (const s of await setsOf<{ url: string; kind: string }>(root, '')) {
      if (s.kind === 'Singleton') {
        await visit(`${root}/${s.url}`);
        continue;
      }
      await pagesOf(`${root}/${s.url}`, '@odata.nextLink');
      await visit(`${root}/${s.url}/$count`);
    }
  }
  // OData v3: the table catalogue and both services of the release, every listed set.
  for (const root of ['/ODataCatalog', `/ODataApi/OData/${id}`, `/ODataFeed/OData/${id}`]) {
    for (const s of await setsOf<{ name: string; url: string }>(root, '?$format=json')) {
      await pagesOf(`${pathOf(s.url)}?$format=json`, 'odata.nextLink');
      await visit(`${pathOf(s.url)}/$count`);
    }
  }
  // Next pages of the v1 lists.
  for (const f of [...out]) {
    if (!f.headers['content-type']?.includes('application/json')) continue;
    const next = (JSON.parse(f.body.toString('utf8')) as { page?: { next?: string | null } }).page
      ?.next;
    if (next) {
      const u = new URL(next);
      const url = u.pathname + u.search;
      if (!seen.has(url)) await visit(url);
    }
  }
  return out;
}
