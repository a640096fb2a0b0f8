/**
 * SBI 2008 code prefixes for the branches theme. A vestiging belongs to a group when its SBI code
 * starts with one of the prefixes. The choice follows the branches that FIU, police and gemeenten
 * publicly call cash-intensive or "witwasgevoelig" (see docs/indicators.md for the reasoning).
 */
export const WITWASGEVOELIGE_SBI: readonly { prefix: string; label: string }[] = [
  { prefix: '4511', label: 'handel in en reparatie van personenauto’s en lichte bedrijfsauto’s' },
  { prefix: '4519', label: 'handel in overige motorvoertuigen' },
  { prefix: '45204', label: 'autowasserijen' },
  { prefix: '4742', label: 'winkels in telecommunicatieapparatuur (telefoonwinkels)' },
  { prefix: '5630', label: 'cafés, waaronder shishalounges' },
  { prefix: '9602', label: 'kappers, schoonheids- en nagelsalons' },
  { prefix: '9604', label: 'sauna’s, solaria (zonnestudio’s) en massagesalons' },
  { prefix: '6810', label: 'handel in eigen onroerend goed' },
  { prefix: '6820', label: 'verhuur van onroerend goed' },
  { prefix: '6831', label: 'bemiddeling in onroerend goed' },
  {
    prefix: '6619',
    label: 'overige financiële dienstverlening, waaronder geldtransfer en wisselkantoren',
  },
  { prefix: '5520', label: 'recreatieverblijven (vakantieparken)' },
  { prefix: '5530', label: 'kampeerterreinen' },
];

/** Zorg: health care (86), residential care (87) and social work without accommodation (88). */
export const ZORG_SBI: readonly { prefix: string; label: string }[] = [
  { prefix: '86', label: 'gezondheidszorg' },
  { prefix: '87', label: 'verpleging, verzorging en begeleiding met overnachting' },
  {
    prefix: '88',
    label: 'maatschappelijke dienstverlening zonder overnachting (o.a. thuiszorg, dagbesteding)',
  },
];
