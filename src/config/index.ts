/** Public API of the configuration layer (see README.md). */
export type { ConfigSource, ConfigValue, EffectiveConfig, ResolvedConfig } from './types.ts';
export { resolveConfig, type ResolveOptions } from './resolve.ts';
export { configForModel, modelsOf, methodsOf } from './per-model.ts';
export { stackNameFor, stackTypeFor, modelAttributes, modelIdFor, methodLabel, envVarListToPodFor } from './model.ts';
export {
  VARIABLES,
  variableSpec,
  isKnownVariable,
  splitList,
  datasetFile,
  packageRoot,
  type VariableSpec,
  type ValueCheck,
} from './variables.ts';
export { isSecretName, maskValue } from './secrets.ts';
export { resolveScenarioPath, sourceScenario, listScenarioFiles, scenarioNames } from './scenario.ts';
export { checkValue, endpointProblem, normalizeEndpoint } from './checks.ts';
export { ConfigStore } from './store.ts';
