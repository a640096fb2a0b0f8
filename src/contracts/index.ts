/**
 * The contracts: the shapes and vocabularies that flow between the modules, each declared once.
 * This folder imports nothing from the project but zod (eslint enforces it), so every module may
 * use it, the dashboard too. Each zod schema is the one source of its TypeScript type
 * (`z.infer`), of the API's JSON schema and OpenAPI document (`responseJson`, `requestJson`),
 * and of the dashboard's API types.
 */
export * from './regions.js';
export * from './periods.js';
export * from './cells.js';
export * from './indicators.js';
export * from './releases.js';
export * from './limits.js';
export * from './fields.js';
export * from './organisations.js';
export * from './agreements.js';
export * from './contributions.js';
export * from './runs.js';
export * from './audit.js';
export * from './auth.js';
export * from './errors.js';
export * from './json-schema.js';
export * from './public-api.js';
