/**
 * The semantic catalog, defined once as data: metrics, dimensions and their values, time grains,
 * join paths, access rules and verified examples. Import from here.
 */
export type { DimensionDefinition, DimensionValue, ExampleQuery, JoinPath, MetricDefinition, MetricFormat, TimeGrainDefinition } from './types.ts';
export { METRICS, metricByName } from './metrics.ts';
export { DIMENSIONS, JOIN_PATHS, TIME_GRAINS, VALUE_GROUPS, dimensionByName, joinPath } from './dimensions.ts';
export { EXAMPLE_QUERIES } from './examples.ts';
export { HIDDEN_COLUMNS, roleAllows } from './access.ts';
export { UNAVAILABLE, type UnavailableSubject } from './unavailable.ts';
export { catalogDocuments, renderCatalog } from './render.ts';
