export * from './surface.js';
export { comparableGemeenten, COMPARABLE_METHOD, type ComparableResult } from './comparable.js';
