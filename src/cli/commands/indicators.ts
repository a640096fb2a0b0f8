/** `samenzicht indicators list | show ID | explain ID`: the catalogue, as analysts read it. */
import type { Command } from 'commander';
import { CATALOGUE, getIndicator, methodologyOf } from '../../indicators/index.js';
import { explain } from '../../engine/explain.js';
import { UsageError } from '../errors.js';

function known(id: string) {
  try {
    return getIndicator(id);
  } catch {
    throw new UsageError(`unknown indicator '${id}' (see 'samenzicht indicators list')`);
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('indicators')
    .description('the indicator catalogue: list, show or explain definitions');

  cmd
    .command('list')
    .description('one line per indicator: id, theme, kind, title')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            CATALOGUE.map((d) => ({ id: d.id, theme: d.theme, kind: d.kind, title: d.title })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const w = Math.max(...CATALOGUE.map((d) => d.id.length));
      for (const d of CATALOGUE) {
        process.stdout.write(
          `${d.id.padEnd(w)}  ${d.theme.padEnd(21)}  ${d.kind.padEnd(14)}  ${d.title.nl}\n`,
        );
      }
    });

  cmd
    .command('show')
    .description(
      'one indicator as a reader needs it: what counts, what is left out, rounding, region',
    )
    .argument('<id>', 'indicator id')
    .option('--lang <lang>', 'nl or en', 'nl')
    .option('--json', 'print the full definition as JSON')
    .action((id: string, opts: { lang: string; json?: boolean }) => {
      const d = known(id);
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
    });

  cmd
    .command('explain')
    .description('definition, source datasets and the generated SQL with its parameters')
    .argument('<id>', 'indicator id')
    .action((id: string) => {
      const d = known(id);
      const e = explain(d.id);
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
