/**
 * The indicator engine's one public entry point: incremental O(1)-per-bar indicators
 * combined into a FeatureEngine, spec parsing, feature profiles, and the worker-pool warm-up.
 */
export * from './types';
export { createFeatureEngine, computeSeries, featureNamesOf, specsKey, type EngineSnapshot, type FeatureEngineImpl } from './engine';
export { parseSpec, parseSpecList, formatSpec, featureNames, normalizeSpec, uniqueSpecs, warmupBars, SpecError } from './spec';
export { PROFILES, PROFILE_NAMES, getProfile, profileSpecs, profileFeatureNames } from './profiles';
export { warmUp, warmUpEngine, closePool, packBars, type WarmUpResult } from './pool';
export { barColumns, packedColumns, specColumns, featureColumns, ColumnCache, type BarColumns, type FeatureColumns } from './batch';
