/** A shipped indicator file as an instance would copy and edit it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_CATALOGUE_DIR, type IndicatorFileInput } from '../../src/indicators/index.js';

export const shipped = (id: string): IndicatorFileInput =>
  JSON.parse(readFileSync(join(SHIPPED_CATALOGUE_DIR, `${id}.json`), 'utf8')) as IndicatorFileInput;
