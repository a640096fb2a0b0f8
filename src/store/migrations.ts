/**
 * Schema migrations, in code so the compiled package needs no migration folder. Append new
 * migrations; never edit one that has shipped.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { createTable, notNull, nullable, raw, refuseChanges, type TableSpec } from './ddl.js';

export type Dialect = 'sqlite' | 'postgres';

/** What a release records of its run (all required): frozen once the release is published. */
const RELEASE_RECORD = [
  'indicators',
  'datasets',
  'providers',
  'audit_summary',
  'started_by',
  'created_at',
];

/** Release columns that never change once the release is published. */
const RELEASE_CONTENT = ['id', 'run_id', ...RELEASE_RECORD, 'published_at', 'published_by'];

/** Since 0002: the digest of the release folder and its file list are frozen with the content. */
const RELEASE_CONTENT_0002 = [...RELEASE_CONTENT, 'digest', 'digest_files'];

/** The condition under which an UPDATE of a release is refused (published releases are immutable). */
function releaseChanged(dialect: Dialect, content: readonly string[]): string {
  const frozen = content
    .map((c) =>
      dialect === 'sqlite' ? `NEW.${c} IS NOT OLD.${c}` : `NEW.${c} IS DISTINCT FROM OLD.${c}`,
    )
    .join(' OR ');
  return `OLD.state = 'withdrawn' OR (OLD.state = 'published' AND (NEW.state <> 'withdrawn' OR ${frozen}))`;
}

const ORGANISATION_TABLES: readonly TableSpec[] = [
  {
    name: 'organisations',
    columns: [
      'id text pk',
      'name text notNull',
      'role text notNull',
      'provider_ids text notNull',
      'created_at text notNull',
    ],
  },
  {
    name: 'users',
    columns: [
      'id text pk',
      'email text notNull unique',
      'name text notNull',
      'password_hash text',
      'oidc_issuer text',
      'oidc_subject text',
      'created_at text notNull',
    ],
    unique: ['users_oidc', ['oidc_issuer', 'oidc_subject']],
  },
  {
    name: 'memberships',
    columns: [
      'user_id text notNull ref=users.id',
      'organisation_id text notNull ref=organisations.id',
      'created_at text notNull',
    ],
    primaryKey: ['memberships_pk', ['user_id', 'organisation_id']],
  },
  {
    name: 'tokens',
    columns: [
      'token_hash text pk',
      'user_id text notNull ref=users.id',
      'kind text notNull',
      'label text notNull',
      'created_at text notNull',
      'expires_at text',
      'revoked_at text',
    ],
  },
];

const AGREEMENT_TABLES: readonly TableSpec[] = [
  {
    name: 'agreements',
    columns: [
      'id text pk',
      ...notNull(
        'text',
        'title',
        'purpose',
        'legal_basis',
        'state',
        'datasets',
        'themes',
        'indicators',
      ),
      'valid_from text notNull',
      'valid_until text notNull',
      'retention_days integer notNull',
      'created_by text notNull',
      'created_at text notNull',
      ...nullable('text', 'proposed_at', 'signed_at', 'revoked_at', 'revoke_reason', 'purged_at'),
    ],
  },
  {
    name: 'agreement_parties',
    columns: [
      'agreement_id text notNull ref=agreements.id',
      'organisation_id text notNull ref=organisations.id',
      'signed_by text',
      'signed_at text',
    ],
    primaryKey: ['agreement_parties_pk', ['agreement_id', 'organisation_id']],
  },
  {
    name: 'contributions',
    columns: [
      'id text pk',
      'agreement_id text notNull ref=agreements.id',
      'dataset_id text notNull',
      'organisation_id text notNull ref=organisations.id',
      'uploaded_by text notNull',
      'sha256 text notNull',
      ...notNull('bigint', 'bytes', 'rows', 'accepted', 'quarantined'),
      'reasons text notNull',
      'storage_path text notNull',
      'created_at text notNull',
      'purged_at text',
    ],
  },
];

const RUN_TABLES: readonly TableSpec[] = [
  {
    name: 'runs',
    columns: [
      'id text pk',
      ...notNull(
        'text',
        'started_by',
        'started_at',
        'indicators',
        'datasets',
        'agreements',
        'state',
      ),
      'finished_at text',
    ],
  },
  {
    name: 'releases',
    columns: [
      'id text pk',
      'run_id text notNull ref=runs.id',
      ...notNull('text', 'state', ...RELEASE_RECORD),
      ...nullable(
        'text',
        'published_at',
        'published_by',
        'withdrawn_at',
        'withdrawn_by',
        'withdraw_reason',
      ),
    ],
  },
  {
    name: 'reviews',
    columns: [
      'release_id text notNull ref=releases.id',
      'user_id text notNull ref=users.id',
      ...notNull('text', 'capacity', 'decision', 'reason', 'created_at'),
    ],
    // One person, one review per release: the database enforces it too.
    primaryKey: ['reviews_pk', ['release_id', 'user_id']],
  },
];

const AUDIT_TABLES: readonly TableSpec[] = [
  {
    name: 'audit_log',
    columns: [
      'seq bigint pk',
      ...notNull('text', 'at', 'actor', 'action', 'subject', 'details', 'prev_hash', 'hash'),
    ],
  },
  {
    name: 'oidc_states',
    columns: [
      'state text pk',
      'code_verifier text notNull',
      'nonce text notNull',
      'created_at text notNull',
    ],
  },
];

const LOGIN_FAILURES: TableSpec = {
  name: 'login_failures',
  columns: [
    'key text pk',
    'failures integer notNull',
    'first_at text notNull',
    'locked_until text',
  ],
};

/** SQLite: refuse an UPDATE of a release when `changed` holds. */
async function sqliteReleasesImmutable(db: Kysely<unknown>, changed: string): Promise<void> {
  await raw(
    db,
    `CREATE TRIGGER releases_immutable BEFORE UPDATE ON releases WHEN ${changed} ` +
      `BEGIN SELECT RAISE(ABORT, 'published releases are immutable'); END`,
  );
}

/**
 * PostgreSQL: the body of `releases_immutable()`, which refuses deleting a published or withdrawn
 * release and updating one when `changed` holds, then each extra check in order.
 */
function pgReleasesImmutableBody(changed: string, extraChecks = ''): string {
  return (
    `RETURNS trigger AS $$ BEGIN ` +
    `IF TG_OP = 'DELETE' THEN ` +
    `IF OLD.state IN ('published', 'withdrawn') THEN RAISE EXCEPTION 'published releases are immutable'; END IF; ` +
    `RETURN OLD; END IF; ` +
    `IF ${changed} THEN RAISE EXCEPTION 'published releases are immutable'; END IF; ` +
    extraChecks +
    `RETURN NEW; END; $$ LANGUAGE plpgsql`
  );
}

// A published release is immutable: its only change left is published → withdrawn, and
// neither may be deleted.
async function releasesImmutableTriggers(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const changed = releaseChanged(dialect, RELEASE_CONTENT);
  if (dialect === 'sqlite') {
    await sqliteReleasesImmutable(db, changed);
    await raw(
      db,
      `CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases ` +
        `WHEN OLD.state IN ('published', 'withdrawn') ` +
        `BEGIN SELECT RAISE(ABORT, 'published releases are immutable'); END`,
    );
  } else {
    await raw(db, `CREATE FUNCTION releases_immutable() ${pgReleasesImmutableBody(changed)}`);
    await raw(
      db,
      `CREATE TRIGGER releases_immutable BEFORE UPDATE OR DELETE ON releases ` +
        `FOR EACH ROW EXECUTE FUNCTION releases_immutable()`,
    );
  }
}

// Append-only by construction: the application never updates or deletes audit rows, and
// the database refuses it. The hash chain still catches anyone who drops the trigger.
const AUDIT_APPEND_ONLY = {
  name: 'audit_log',
  sqlitePrefix: 'audit_log',
  pgName: 'audit_log_append_only',
  message: 'audit_log is append-only',
};

async function governance(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  for (const table of [...ORGANISATION_TABLES, ...AGREEMENT_TABLES, ...RUN_TABLES, ...AUDIT_TABLES])
    await createTable(db, table);
  await releasesImmutableTriggers(db, dialect);
  await refuseChanges(db, dialect, AUDIT_APPEND_ONLY);
}

/**
 * Integrity: the digest of the release folder, recorded at candidacy (with its file list) and
 * signed by every review. A digest never changes once recorded, also on a candidate, and it is
 * frozen with the rest of a published release; reviews (the signatures) are final.
 */
async function releaseDigest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('releases').addColumn('digest', 'text').execute();
  await db.schema.alterTable('releases').addColumn('digest_files', 'text').execute();
  await db.schema.alterTable('reviews').addColumn('digest', 'text').execute();
  const changed = releaseChanged(dialect, RELEASE_CONTENT_0002);
  const digestChanged =
    dialect === 'sqlite'
      ? 'OLD.digest IS NOT NULL AND (NEW.digest IS NOT OLD.digest OR NEW.digest_files IS NOT OLD.digest_files)'
      : 'OLD.digest IS NOT NULL AND (NEW.digest IS DISTINCT FROM OLD.digest OR NEW.digest_files IS DISTINCT FROM OLD.digest_files)';
  if (dialect === 'sqlite') {
    await raw(db, `DROP TRIGGER releases_immutable`);
    await sqliteReleasesImmutable(db, changed);
    await raw(
      db,
      `CREATE TRIGGER releases_digest_fixed BEFORE UPDATE ON releases WHEN ${digestChanged} ` +
        `BEGIN SELECT RAISE(ABORT, 'a release digest never changes once recorded'); END`,
    );
  } else {
    // Same trigger, new body: the function is looked up at each firing.
    const digestCheck = `IF ${digestChanged} THEN RAISE EXCEPTION 'a release digest never changes once recorded'; END IF; `;
    await raw(
      db,
      `CREATE OR REPLACE FUNCTION releases_immutable() ${pgReleasesImmutableBody(changed, digestCheck)}`,
    );
  }
  await refuseChanges(db, dialect, {
    name: 'reviews',
    sqlitePrefix: 'reviews',
    pgName: 'reviews_final',
    message: 'reviews are final',
  });
}

// Versioned deliveries (the years a contribution covers, its place among the dataset's
// deliveries, and where its quarantine report is kept) and runs that can be followed,
// interrupted and restarted with the same inputs.
async function productRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contributions').addColumn('period', 'text').execute();
  await db.schema
    .alterTable('contributions')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('contributions').addColumn('quarantine_path', 'text').execute();
  for (const column of [
    'stage',
    'progress',
    'inputs',
    'scope',
    'cells_hash',
    'release_id',
    'error',
  ]) {
    await db.schema.alterTable('runs').addColumn(column, 'text').execute();
  }
  await db.schema
    .alterTable('runs')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

// Tokens get an opaque id (listed and revoked by it; the first 16 hex of their sha256) and
// the time they were last used; API tokens made before this migration, which never
// expired, expire 90 days after it. Failed logins are counted per account and per client
// address (keys are sha256 of the email or address), so every process and a restart agree
// on a lockout.
async function loginsTokens(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('id', 'text').execute();
  await db.schema.alterTable('tokens').addColumn('last_used_at', 'text').execute();
  await sql`UPDATE tokens SET id = substr(token_hash, 1, 16)`.execute(db);
  const expires = new Date(Date.now() + 90 * 86_400_000).toISOString();
  await sql`UPDATE tokens SET expires_at = ${expires} WHERE expires_at IS NULL`.execute(db);
  await db.schema.createIndex('tokens_id').unique().on('tokens').column('id').execute();
  await createTable(db, LOGIN_FAILURES);
}

// Every audit entry records the channel (API, CLI, dashboard, OIDC, host, system) next to
// the user. Earlier entries keep none: their hashes were computed without it.
async function auditChannel(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('channel', 'text').execute();
}

interface SchemaMigration {
  /** Kysely applies migrations in the order of their names. */
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration, oldest first. */
const MIGRATIONS: readonly SchemaMigration[] = [
  { name: '0001_governance', up: governance },
  { name: '0002_release_digest', up: releaseDigest },
  { name: '0003_product_runs', up: productRuns },
  { name: '0004_logins_tokens', up: loginsTokens },
  { name: '0005_audit_channel', up: auditChannel },
];

export function migrations(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(
    MIGRATIONS.map((m): [string, Migration] => [m.name, { up: (db) => m.up(db, dialect) }]),
  );
}
