/** The names a definition uses for dataset columns: shared by the schema and the named predicates. */
import { z } from 'zod';

export const columnName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a column name in lower snake case');
