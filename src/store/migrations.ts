/**
 * Schema migrations, in code so the compiled package needs no migration folder. Append new
 * migrations; never edit one that has shipped.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** Release columns that never change once the release is published. */
const RELEASE_CONTENT = [
  'id',
  'run_id',
  'indicators',
  'datasets',
  'providers',
  'audit_summary',
  'started_by',
  'created_at',
  'published_at',
  'published_by',
];

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

/** Runs raw DDL: trigger bodies differ per dialect and Kysely's builder has no trigger API. */
async function raw(db: Kysely<unknown>, statement: string): Promise<void> {
  await sql.raw(statement).execute(db);
}

async function createOrganisationTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('provider_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_subject', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('users_oidc', ['oidc_issuer', 'oidc_subject'])
    .execute();
  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organisation_id'])
    .execute();
  await db.schema
    .createTable('tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
}

async function createAgreementTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('datasets', 'text', (c) => c.notNull())
    .addColumn('themes', 'text', (c) => c.notNull())
    .addColumn('indicators', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('purged_at', 'text')
    .execute();
  await db.schema
    .createTable('agreement_parties')
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('signed_by', 'text')
    .addColumn('signed_at', 'text')
    .addPrimaryKeyConstraint('agreement_parties_pk', ['agreement_id', 'organisation_id'])
    .execute();
  await db.schema
    .createTable('contributions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('rows', 'bigint', (c) => c.notNull())
    .addColumn('accepted', 'bigint', (c) => c.notNull())
    .addColumn('quarantined', 'bigint', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('purged_at', 'text')
    .execute();
}

async function createRunTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('indicators', 'text', (c) => c.notNull())
    .addColumn('datasets', 'text', (c) => c.notNull())
    .addColumn('agreements', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('indicators', 'text', (c) => c.notNull())
    .addColumn('datasets', 'text', (c) => c.notNull())
    .addColumn('providers', 'text', (c) => c.notNull())
    .addColumn('audit_summary', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawn_by', 'text')
    .addColumn('withdraw_reason', 'text')
    .execute();
  await db.schema
    .createTable('reviews')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('capacity', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // One person, one review per release: the database enforces it too.
    .addPrimaryKeyConstraint('reviews_pk', ['release_id', 'user_id'])
    .execute();
}

async function createAuditTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('oidc_states')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

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
async function auditAppendOnlyTriggers(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await raw(
        db,
        `CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log ` +
          `BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
      );
    }
  } else {
    await raw(
      db,
      `CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ ` +
        `BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql`,
    );
    await raw(
      db,
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log ` +
        `FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
  }
}

async function governance(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await createOrganisationTables(db);
  await createAgreementTables(db);
  await createRunTables(db);
  await createAuditTables(db);
  await releasesImmutableTriggers(db, dialect);
  await auditAppendOnlyTriggers(db, dialect);
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
    for (const op of ['UPDATE', 'DELETE']) {
      await raw(
        db,
        `CREATE TRIGGER reviews_no_${op.toLowerCase()} BEFORE ${op} ON reviews ` +
          `BEGIN SELECT RAISE(ABORT, 'reviews are final'); END`,
      );
    }
  } else {
    // Same trigger, new body: the function is looked up at each firing.
    const digestCheck = `IF ${digestChanged} THEN RAISE EXCEPTION 'a release digest never changes once recorded'; END IF; `;
    await raw(
      db,
      `CREATE OR REPLACE FUNCTION releases_immutable() ${pgReleasesImmutableBody(changed, digestCheck)}`,
    );
    await raw(
      db,
      `CREATE FUNCTION reviews_final() RETURNS trigger AS $$ ` +
        `BEGIN RAISE EXCEPTION 'reviews are final'; END; $$ LANGUAGE plpgsql`,
    );
    await raw(
      db,
      `CREATE TRIGGER reviews_final BEFORE UPDATE OR DELETE ON reviews ` +
        `FOR EACH ROW EXECUTE FUNCTION reviews_final()`,
    );
  }
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
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
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
