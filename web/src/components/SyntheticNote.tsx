import { useRegions } from '../api.js';
import { useI18n } from '../i18n.js';

/**
 * Says so where a gemeente's wijken and buurten are generated: the shipped (or imported) CBS
 * division has none for it, so the region set made them up (`synthetic` in `/api/v1/regions`).
 * Nothing while loading, for real wijken and buurten, or in a wholly synthetic country (there the
 * gemeente itself is generated, and the release page says the whole division is).
 */
export function SyntheticNote({ gemeente }: { gemeente: string }) {
  const { t } = useI18n();
  const wijken = useRegions({ level: 'wijk', parent: gemeente });
  const gemeenten = useRegions({ level: 'gemeente' });
  const own = gemeenten.data?.regions.find((r) => r.code === gemeente);
  const generated = (wijken.data?.regions ?? []).some((r) => r.synthetic);
  if (!own || own.synthetic || !generated) return null;
  return (
    <p className="sz-note sz-synthetic" data-gemeente={gemeente}>
      {t('syntheticSubAreas', { name: own.name })}
    </p>
  );
}
