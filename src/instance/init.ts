/**
 * `samenzicht init`: a new broker instance in an empty directory — its configuration, the state
 * database (migrated), the broker's pseudonymisation key and a first administrator with a
 * one-time API token. There are no demo users: everyone else is created by the administrator,
 * through the API.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_TOKEN_MAX_DAYS, Governance } from '../governance/index.js';
import { initBrokerKeys } from '../pseudonym/index.js';
import { openStore } from '../store/index.js';
import { runMemoryBudget } from './run-memory.js';
import {
  DEFAULT_RUN_MEMORY,
  INSTANCE_FORMAT,
  InstanceError,
  instanceCatalogue,
  instanceRegions,
  writeInstanceConfig,
  type InstanceConfig,
} from './config.js';

export interface InitOptions {
  dataDir: string;
  databaseUrl?: string;
  regions: InstanceConfig['regions'];
  scheme?: InstanceConfig['scheme'];
  keyholder?: InstanceConfig['keyholder'];
  catalogue?: string[];
  runMemoryLimit?: string;
  /** What one contribution file may hold, over the defaults (src/ingest/limits.ts). */
  uploadLimits?: InstanceConfig['uploadLimits'];
  /** Entries the directory may already hold (the demo's marker file). */
  allowEntries?: readonly string[];
  admin: {
    email: string;
    name: string;
    /** The broker organisation the administrator belongs to (default `broker`). */
    organisationId?: string;
    organisationName?: string;
  };
}

export interface InitResult {
  config: InstanceConfig;
  admin: { id: string; email: string; organisation: string };
  /** The administrator's API token: shown once, stored only as a hash. */
  token: string;
  /** When that token expires (365 days after init). */
  tokenExpiresAt: string;
  regionSet: string;
  indicators: number;
}

/** Where an instance keeps the broker's own key (K2 or its PEP domain key). */
export const brokerKeysDir = (dataDir: string) => join(dataDir, 'broker', 'keys');

/** The linked data of the latest run, kept for an independent re-audit (`release audit`). */
export const brokerDatabasePath = (dataDir: string) => join(dataDir, 'broker', 'broker.duckdb');

export async function initInstance(opts: InitOptions): Promise<InitResult> {
  const { dataDir } = opts;
  const allowed = new Set(opts.allowEntries ?? []);
  if (existsSync(dataDir) && readdirSync(dataDir).some((e) => !allowed.has(e)))
    throw new InstanceError(
      `${dataDir} is not empty; an instance starts in a new or empty directory`,
    );
  const config: InstanceConfig = {
    format: INSTANCE_FORMAT,
    createdAt: new Date().toISOString(),
    database: opts.databaseUrl ? 'postgres' : 'sqlite',
    regions: opts.regions,
    scheme: opts.scheme ?? 'keyed',
    ...(opts.keyholder ? { keyholder: opts.keyholder } : {}),
    catalogue: opts.catalogue ?? [],
    runMemoryLimit: opts.runMemoryLimit ?? DEFAULT_RUN_MEMORY,
    ...(opts.uploadLimits ? { uploadLimits: opts.uploadLimits } : {}),
  };
  if (config.scheme === 'pep' && !config.keyholder)
    throw new InstanceError('--scheme pep needs --keyholder-url and --keyholder-token-file');
  try {
    runMemoryBudget(config.runMemoryLimit);
  } catch (err) {
    throw new InstanceError((err as Error).message);
  }
  // Fail before anything is written when the region set or the catalogue cannot be read.
  const regions = await instanceRegions(dataDir, config);
  const catalogue = instanceCatalogue(dataDir, config);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);

  initBrokerKeys(brokerKeysDir(dataDir));
  // The broker's folders (keys, the broker database, runs) are its user's alone, whatever the umask.
  chmodSync(join(dataDir, 'broker'), 0o700);
  chmodSync(brokerKeysDir(dataDir), 0o700);
  const store = await openStore({
    dataDir,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
  });
  try {
    const gov = new Governance(store);
    if ((await gov.listUsers()).length > 0)
      throw new InstanceError(
        'the state database already has users; it belongs to another instance',
      );
    const organisation = opts.admin.organisationId ?? 'broker';
    await gov.createOrganisation('system', {
      id: organisation,
      name: opts.admin.organisationName ?? 'Broker (neutral party)',
      role: 'broker',
      providerIds: [],
    });
    const user = await gov.createUser('system', {
      email: opts.admin.email,
      name: opts.admin.name,
      organisations: [organisation],
    });
    // The administrator has no password: this token is the way in. It lasts the longest a
    // token may (365 days); make a new one with `samenzicht tokens create` before it ends.
    const { token, expiresAt } = await gov.createApiToken(user.id, 'init: first administrator', {
      expiresInDays: API_TOKEN_MAX_DAYS,
    });
    writeInstanceConfig(dataDir, config);
    return {
      config,
      admin: { id: user.id, email: user.email, organisation },
      token,
      tokenExpiresAt: expiresAt,
      regionSet: regions.source.description,
      indicators: catalogue.length,
    };
  } finally {
    await store.close();
  }
}
