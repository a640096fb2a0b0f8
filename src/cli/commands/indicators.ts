/**
 * `samenzicht indicators list | show ID | explain ID|FILE | validate FILE…`: the catalogue, as
 * analysts read and extend it. `--catalogue DIR` adds an instance's own definition directory.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  CATALOGUE,
  loadCatalogue,
  loadCatalogueEntries,
  methodologyOf,
  type ResolvedIndicator,
} from '../../indicators/index.js';
import { explain } from '../../engine/explain.js';
import { DIALECT_NAMES, dialectOf } from '../../engine/dialect.js';
import { UsageError } from '../errors.js';

interface CatalogueOpts {
  catalogue?: string[];
}

const withCatalogue = (c: Command) =>
  c.option(
    '--catalogue <dir>',
    'also read indicator definitions from this directory (repeatable)',
    (dir: string, dirs: string[] = []) => [...dirs, dir],
  );

function catalogueOf(opts: CatalogueOpts): readonly ResolvedIndicator[] {
  return opts.catalogue?.length ? loadCatalogue(opts.catalogue) : CATALOGUE;
}

/** A path names a file (`x.json`, `dir/x`); anything else is an indicator id. */
const isFile = (arg: string) => arg.endsWith('.json') || /[/\\]/.test(arg);

/** The definitions in `files`, validated together with the catalogue (so references resolve). */
function fromFiles(files: string[], opts: CatalogueOpts): ResolvedIndicator[] {
  const entries = loadCatalogueEntries(opts.catalogue ?? [], files);
  return files.map((f) => {
    const e = entries.find((x) => x.path === resolve(f));
    if (!e) throw new Error(`internal: '${f}' was not loaded`);
    return e.definition;
  });
}

function known(idOrFile: string, opts: CatalogueOpts): ResolvedIndicator {
  if (isFile(idOrFile)) return fromFiles([idOrFile], opts)[0]!;
  const d = catalogueOf(opts).find((x) => x.id === idOrFile);
  if (!d)
    throw new UsageError(`unknown indicator '${idOrFile}' (see 'samenzicht indicators list')`);
  return d;
}

export function register(program: Command): void {
  const cmd = program
    .command('indicators')
    .description('the indicator catalogue: list, show, explain or validate definitions');
  registerList(cmd);
  registerShow(cmd);
  registerValidate(cmd);
  registerExplain(cmd);
}

function registerList(cmd: Command): void {
  const list = cmd
    .command('list')
    .description('one line per indicator: id, theme, kind, title')
    .option('--json', 'print JSON');
  withCatalogue(list).action((opts: CatalogueOpts & { json?: boolean }) => {
    const catalogue = catalogueOf(opts);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(
          catalogue.map((d) => ({ id: d.id, theme: d.theme, kind: d.kind, title: d.title })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    const w = Math.max(...catalogue.map((d) => d.id.length));
    for (const d of catalogue) {
      process.stdout.write(
        `${d.id.padEnd(w)}  ${d.theme.padEnd(21)}  ${d.kind.padEnd(14)}  ${d.title.nl}\n`,
      );
    }
  });
}

function registerShow(cmd: Command): void {
  const show = cmd
    .command('show')
    .description(
      'one indicator as a reader needs it: what counts, what is left out, rounding, region',
    )
    .argument('<id>', 'indicator id, or a definition file')
    .option('--lang <lang>', 'nl or en', 'nl')
    .option('--json', 'print the full definition as JSON');
  withCatalogue(show).action(
    (id: string, opts: CatalogueOpts & { lang: string; json?: boolean }) => {
      const d = known(id, opts);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...d, method: methodologyOf(d) }, null, 2)}\n`);
        return;
      }
      if (opts.lang !== 'nl' && opts.lang !== 'en')
        throw new UsageError(`--lang must be nl or en, got '${opts.lang}'`);
      const lang = opts.lang;
      const m = methodologyOf(d);
      const nl = lang === 'nl';
      const out = [
        `${d.id}: ${d.title[lang]}`,
        d.description[lang],
        '',
        `${nl ? 'Wat telt' : 'What counts'}: ${m.counts[lang]}`,
        '',
        m.excluded[lang],
        '',
        m.rounding[lang],
        '',
        m.regionBasis[lang],
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    },
  );
}

function registerValidate(cmd: Command): void {
  const validate = cmd
    .command('validate')
    .description(
      'check definition files against the schema, the dataset contracts and the catalogue',
    )
    .argument('<files...>', 'definition files (<id>.json)');
  withCatalogue(validate).action((files: string[], opts: CatalogueOpts) => {
    for (const d of fromFiles(files, opts)) {
      process.stdout.write(`${d.id}: valid (sources ${d.sources.join(', ')})\n`);
    }
  });
}

function registerExplain(cmd: Command): void {
  const explainCmd = cmd
    .command('explain')
    .description('definition, source datasets and the generated SQL with its parameters')
    .argument('<id>', 'indicator id, or a definition file')
    .option(
      '--dialect <dialect>',
      'SQL dialect: duckdb, or postgres (PostgreSQL / Citus)',
      'duckdb',
    );
  withCatalogue(explainCmd).action((id: string, opts: CatalogueOpts & { dialect: string }) => {
    if (!(DIALECT_NAMES as readonly string[]).includes(opts.dialect))
      throw new UsageError(
        `--dialect must be ${DIALECT_NAMES.join(' or ')}, got '${opts.dialect}'`,
      );
    const d = known(id, opts);
    const e = explain(d, undefined, dialectOf(opts.dialect));
    const out: string[] = [
      `${d.id}: ${d.title.nl} / ${d.title.en}`,
      `theme ${d.theme}, kind ${d.kind}, unit ${d.unit.nl}, disclosure profile ${d.disclosure}`,
      `levels ${d.levels.join(', ')}; years ${d.years.join(', ')}; breakdowns ${d.breakdowns.join(', ') || 'none'}`,
      `region: ${d.regionBasis.nl}`,
      '',
      'Methodologie:',
      ...Object.values(methodologyOf(d)).map((p) => p.nl),
      '',
      'Sources:',
      ...e.sources.map((s) => `  ${s.dataset} (${s.provider}): ${s.title}`),
    ];
    for (const q of e.queries) {
      out.push(
        '',
        `-- ${q.role} (series ${q.seriesKey})`,
        q.sql,
        `-- parameters: ${q.params.map((p, i) => `$${i + 1}=${JSON.stringify(p)}`).join(' ')}`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
  });
}
