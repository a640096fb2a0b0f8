import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_CHOSEN } from '../compare.js';
import { useI18n } from '../i18n.js';
import { searchRegions, type Named } from '../search.js';

export interface ComparisonPickerProps {
  own: string;
  gemeenten: readonly Named[];
  /** The gemeenten chosen now (the URL's `vergelijk`). */
  chosen: readonly string[];
  /** Offered when nothing is searched: the automatic group. */
  suggested: readonly string[];
  onChange: (next: string[]) => void;
}

/**
 * Choosing up to MAX_CHOSEN gemeenten to compare with: a search box and a list of checkboxes,
 * native controls throughout, so Tab, Space and a screen reader work as everywhere. Enter in the
 * search box ticks the first match. Rows stay where they are while ticking (a row that moved
 * would take the keyboard focus with it): a row once shown stays until the search changes.
 */
export function ComparisonPicker({
  own,
  gemeenten,
  chosen,
  suggested,
  onChange,
}: ComparisonPickerProps) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [pinned, setPinned] = useState<string[]>([]);
  const searchRef = useRef<HTMLInputElement>(null);
  const ids = { search: useId(), hint: useId(), list: useId(), box: useId() };
  const others = useMemo(() => gemeenten.filter((g) => g.code !== own), [gemeenten, own]);
  const names = useMemo(() => new Map(gemeenten.map((g) => [g.code, g.name])), [gemeenten]);
  const results = useMemo(
    () => (query.trim() === '' ? [...suggested] : searchRegions(others, query).map((r) => r.code)),
    [query, others, suggested],
  );
  const shown = [...new Set([...chosen, ...pinned, ...results])].sort((a, b) =>
    (names.get(a) ?? a).localeCompare(names.get(b) ?? b, 'nl'),
  );
  const full = chosen.length >= MAX_CHOSEN;
  const suggestedSet = new Set(suggested);

  const toggle = (code: string, on: boolean): void => {
    setPinned((p) => (p.includes(code) ? p : [...p, code]));
    if (on && !chosen.includes(code) && !full) onChange([...chosen, code]);
    if (!on) onChange(chosen.filter((c) => c !== code));
  };
  const onEnter = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = results.find((c) => !chosen.includes(c));
    if (first && query.trim() !== '') toggle(first, true);
  };

  return (
    <fieldset className="sz-picker">
      <legend>{t('pickerLegend', { max: MAX_CHOSEN })}</legend>
      <div className="sz-field">
        <label className="utrecht-form-label" htmlFor={ids.search}>
          {t('pickerSearch')}
        </label>
        <span className="sz-hint" id={ids.hint}>
          {t('pickerHint')}
        </span>
        <input
          id={ids.search}
          ref={searchRef}
          className="utrecht-textbox utrecht-textbox--html-input"
          type="search"
          autoComplete="off"
          aria-describedby={ids.hint}
          aria-controls={ids.list}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setPinned([]);
          }}
          onKeyDown={onEnter}
        />
      </div>
      <ul className="sz-picker-list" id={ids.list} aria-label={t('pickerList')}>
        {shown.map((code) => {
          const checked = chosen.includes(code);
          const id = `${ids.box}-${code}`;
          return (
            <li key={code}>
              <input
                type="checkbox"
                id={id}
                value={code}
                checked={checked}
                disabled={full && !checked}
                onChange={(e) => toggle(code, e.target.checked)}
              />
              <label htmlFor={id}>
                {names.get(code) ?? code} ({code})
                {suggestedSet.has(code) && (
                  <span className="sz-hint"> — {t('pickerSuggested')}</span>
                )}
              </label>
            </li>
          );
        })}
      </ul>
      {query.trim() !== '' && results.length === 0 && (
        <p className="sz-hint">{t('searchNone', { q: query })}</p>
      )}
      <p role="status" aria-live="polite" className="sz-hint">
        {full
          ? t('pickerFull', { max: MAX_CHOSEN })
          : t('pickerCount', { n: chosen.length, max: MAX_CHOSEN })}
      </p>
      {chosen.length > 0 && (
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          onClick={() => {
            onChange([]);
            // The button goes away with the choice: keep the focus in the picker.
            searchRef.current?.focus();
          }}
        >
          {t('pickerReset')}
        </button>
      )}
    </fieldset>
  );
}
