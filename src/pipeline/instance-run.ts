/**
 * The run context of an instance, from its configuration: built the same way by the server (to
 * plan runs) and by each run process (to do one), so that both see the same regions, scheme,
 * keys, key holder and memory budget.
 */
import type { Governance } from '../governance/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import {
  brokerKeysDir,
  instanceCatalogue,
  instanceKeyholderTokenFile,
  instanceRegionScope,
  readInstanceConfig,
  runMemoryBudget,
  type InstanceConfig,
  type RunMemoryBudget,
} from '../instance/index.js';
import { HttpKeyholder, readAccessToken } from '../pseudonym/index.js';
import type { RegionSet } from '../regions/index.js';
import type { RunContext } from './run.js';

export interface InstanceRun {
  config: InstanceConfig;
  ctx: RunContext;
  budget: RunMemoryBudget;
}

export async function instanceRunContext(
  dataDir: string,
  governance: Governance,
  opts: {
    /** The catalogue to compute (default: the instance's). */
    catalogue?: readonly ResolvedIndicator[];
    /** The region set when the caller has it loaded already (default: the instance's). */
    regions?: RegionSet;
  } = {},
): Promise<InstanceRun> {
  const config = readInstanceConfig(dataDir);
  const budget = runMemoryBudget(config.runMemoryLimit);
  const scope = await instanceRegionScope(dataDir, config);
  const tokenFile = instanceKeyholderTokenFile(dataDir, config);
  const ctx: RunContext = {
    governance,
    published: scope.published,
    dataDir,
    regions: opts.regions ?? scope.regions,
    catalogue: opts.catalogue ?? instanceCatalogue(dataDir, config),
    scheme: config.scheme,
    brokerKeysDir: brokerKeysDir(dataDir),
    memoryLimit: budget.duckdbMemoryLimit,
    ...(config.keyholder && tokenFile
      ? { keyholder: new HttpKeyholder(config.keyholder.urls, readAccessToken(tokenFile)) }
      : {}),
  };
  return { config, ctx, budget };
}
