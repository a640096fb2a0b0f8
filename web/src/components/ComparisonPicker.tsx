import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_CHOSEN } from '../compare.js';
import { useI18n } from '../i18n.js';
import { searchRegions, type Named } from '../search.js';
import { SearchField } from './SearchField.js';

export interface ComparisonPickerProps {
  own: string;
  gemeenten: readonly Named[];
  /** The gemeenten chosen now (the URL's `vergelijk`). */
  chosen: readonly string[];
  /** Offered when nothing is searched: the automatic group. */
  suggested: readonly string[];
  onChange: (next: string[]) => void;
}

/** What the picker shows and does: the search, the rows it shows, and ticking one. */
function usePicker({ own, gemeenten, chosen, suggested, onChange }: ComparisonPickerProps) {
  const [query, setQuery] = useState('');
  const [pinned, setPinned] = useState<string[]>([]);
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
  const search = (q: string): void => {
    setQuery(q);
    setPinned([]);
  };
  const toggle = (code: string, on: boolean): void => {
    setPinned((p) => (p.includes(code) ? p : [...p, code]));
    if (on && !chosen.includes(code) && !full) onChange([...chosen, code]);
    if (!on) onChange(chosen.filter((c) => c !== code));
  };
  return { query, search, results, shown, names, full, toggle };
}

type Picker = ReturnType<typeof usePicker>;

/** The gemeenten shown, each a checkbox; a full choice disables the unticked ones. */
function PickerList({
  id,
  picker,
  chosen,
  suggested,
}: {
  id: string;
  picker: Picker;
  chosen: readonly string[];
  suggested: readonly string[];
}) {
  const { t } = useI18n();
  const box = useId();
  const suggestedSet = new Set(suggested);
  return (
    <ul className="sz-picker-list" id={id} aria-label={t('pickerList')}>
      {picker.shown.map((code) => {
        const checked = chosen.includes(code);
        const boxId = `${box}-${code}`;
        return (
          <li key={code}>
            <input
              type="checkbox"
              id={boxId}
              value={code}
              checked={checked}
              disabled={picker.full && !checked}
              onChange={(e) => picker.toggle(code, e.target.checked)}
            />
            <label htmlFor={boxId}>
              {picker.names.get(code) ?? code} ({code})
              {suggestedSet.has(code) && <span className="sz-hint"> — {t('pickerSuggested')}</span>}
            </label>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Choosing up to MAX_CHOSEN gemeenten to compare with: a search box and a list of checkboxes,
 * native controls throughout, so Tab, Space and a screen reader work as everywhere. Enter in the
 * search box ticks the first match. Rows stay where they are while ticking (a row that moved
 * would take the keyboard focus with it): a row once shown stays until the search changes.
 */
export function ComparisonPicker(props: ComparisonPickerProps) {
  const { chosen, suggested, onChange } = props;
  const { t } = useI18n();
  const picker = usePicker(props);
  const { query, results, full } = picker;
  const searchRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const onEnter = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = results.find((c) => !chosen.includes(c));
    if (first && query.trim() !== '') picker.toggle(first, true);
  };

  return (
    <fieldset className="sz-picker">
      <legend>{t('pickerLegend', { max: MAX_CHOSEN })}</legend>
      <SearchField
        label={t('pickerSearch')}
        hint={t('pickerHint')}
        inputRef={searchRef}
        controls={listId}
        value={query}
        onChange={picker.search}
        onKeyDown={onEnter}
      />
      <PickerList id={listId} picker={picker} chosen={chosen} suggested={suggested} />
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
