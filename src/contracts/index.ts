/**
 * The contracts: the shapes and vocabularies that flow between the modules, each declared once.
 * This folder imports nothing from the project (eslint enforces it), so every module may use it.
 */
export * from './regions.js';
export * from './periods.js';
export * from './cells.js';
export * from './indicators.js';
export * from './releases.js';
