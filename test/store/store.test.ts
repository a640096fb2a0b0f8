import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { Governance, entryHash, verifyAuditTrail } from '../../src/governance/index.js';
import { backends } from './backends.js';

for (const backend of backends()) {
  describe(`state store on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function storeWithTrail(n: number) {
      const store = await backend.open();
      const gov = new Governance(store);
      for (let i = 1; i <= n; i++) await gov.logAudit(`user-${i}`, 'access', `release-${i}`, { i });
      return store;
    }

    it('migrates, is idempotent on reopen, and starts with an empty valid trail', async () => {
      const store = await backend.open();
      expect(store.dialect).toBe(backend.name);
      expect(await verifyAuditTrail(store.db)).toEqual({
        ok: true,
        entries: 0,
        head: '0'.repeat(64),
      });
      if (backend.name === 'sqlite') {
        expect(existsSync(join(store.dataDir, 'state.sqlite'))).toBe(true);
        await store.close();
        const again = await openStore({ dataDir: store.dataDir });
        expect((await again.db.selectFrom('organisations').selectAll().execute()).length).toBe(0);
        await again.close();
      }
    });

    it('chains entries: each hash covers the previous hash and the canonical entry', async () => {
      const store = await storeWithTrail(3);
      const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
      expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
      const r = rows[2]!;
      expect(r.details).toBe('{"i":3}');
      expect(
        entryHash(r.prev_hash, {
          seq: 3,
          at: r.at,
          actor: r.actor,
          channel: r.channel,
          action: r.action,
          subject: r.subject,
          details: { i: 3 },
        }),
      ).toBe(r.hash);
      const v = await verifyAuditTrail(store.db);
      expect(v).toEqual({ ok: true, entries: 3, head: r.hash });
    });

    it('refuses UPDATE and DELETE on the audit log at the database level', async () => {
      const store = await storeWithTrail(2);
      await expect(
        sql`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`.execute(store.db),
      ).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM audit_log WHERE seq = 2`.execute(store.db)).rejects.toThrow(
        /append-only/,
      );
      expect((await verifyAuditTrail(store.db)).ok).toBe(true);
    });

    // An attacker with database access drops the guard first; the chain still tells.
    async function dropGuard(store: Awaited<ReturnType<typeof storeWithTrail>>) {
      if (store.dialect === 'sqlite') {
        await sql`DROP TRIGGER audit_log_no_update`.execute(store.db);
        await sql`DROP TRIGGER audit_log_no_delete`.execute(store.db);
      } else {
        await sql`DROP TRIGGER audit_log_append_only ON audit_log`.execute(store.db);
      }
    }

    // Edited or deleted by hand: the verification names the first entry that breaks.
    it.each([
      {
        what: 'an edited entry and names it',
        trail: 5,
        tamper: sql`UPDATE audit_log SET details = '{"i":99}' WHERE seq = 3`,
        expected: {
          ok: false,
          entries: 5,
          firstBroken: 3,
          reason: 'entry 3: content does not match its hash (entry edited)',
        },
      },
      {
        what: 'a deleted entry and names the first entry after the gap',
        trail: 5,
        tamper: sql`DELETE FROM audit_log WHERE seq = 2`,
        expected: {
          ok: false,
          entries: 4,
          firstBroken: 3,
          reason: 'entry 3: expected entry 2 before it (missing: deleted entries 2..2)',
        },
      },
    ])('detects $what', async ({ trail, tamper, expected }) => {
      const store = await storeWithTrail(trail);
      await dropGuard(store);
      await tamper.execute(store.db);
      expect(await verifyAuditTrail(store.db)).toEqual(expected);
    });

    it('detects an edit that also recomputes the edited hash (the next entry breaks)', async () => {
      const store = await storeWithTrail(4);
      await dropGuard(store);
      const r = (await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', 2)
        .executeTakeFirst())!;
      const forged = entryHash(r.prev_hash, {
        seq: 2,
        at: r.at,
        actor: 'mallory',
        channel: r.channel,
        action: r.action,
        subject: r.subject,
        details: { i: 2 },
      });
      await sql`UPDATE audit_log SET actor = 'mallory', hash = ${forged} WHERE seq = 2`.execute(
        store.db,
      );
      const v = await verifyAuditTrail(store.db);
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.firstBroken).toBe(3);
        expect(v.reason).toMatch(/prev_hash does not match/);
      }
    });

    it('detects an inserted entry even when the insert renumbers the rest and forges its own hash', async () => {
      const store = await storeWithTrail(4);
      await dropGuard(store);
      // Shift entries 3..4 up by one (via negatives so the primary key never collides) and put a
      // forged, correctly hashed entry 3 in the gap.
      await sql`UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= 3`.execute(store.db);
      await sql`UPDATE audit_log SET seq = -seq WHERE seq < 0`.execute(store.db);
      const prev = (await store.db
        .selectFrom('audit_log')
        .select('hash')
        .where('seq', '=', 2)
        .executeTakeFirst())!;
      const e = {
        seq: 3,
        at: '2026-01-01T00:00:00.000Z',
        actor: 'mallory',
        channel: 'api',
        action: 'access',
        subject: 'x',
        details: {},
      };
      await store.db
        .insertInto('audit_log')
        .values({ ...e, details: '{}', prev_hash: prev.hash, hash: entryHash(prev.hash, e) })
        .execute();
      const v = await verifyAuditTrail(store.db);
      expect(v.ok).toBe(false);
      // Entry 4 (the original 3) no longer hashes: its seq changed and its prev_hash is stale.
      if (!v.ok) expect(v.firstBroken).toBe(4);
    });
  });
}
