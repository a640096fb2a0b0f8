/**
 * The model's randomness and identifiers as DuckDB macros. All randomness is `hash(seed, stream,
 * key...)`: a pure function of the seed and the row's identity, so a run is reproducible however
 * DuckDB schedules its threads.
 */

/** Offset of the BSN and KvK permutations, derived from the seed. */
function offset(seed: number, mod: number): number {
  return Number((BigInt(seed) * 2654435761n + 12345n) % BigInt(mod));
}

export function macros(seed: number): string {
  const s = String(seed);
  return `
CREATE OR REPLACE MACRO rnd(k, i) AS ((hash(${s}, k, i) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO rnd3(k, i, j) AS ((hash(${s}, k, i, j) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO rnd4(k, i, j, l) AS ((hash(${s}, k, i, j, l) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO pick(k, i, n) AS ((hash(${s}, k, i) % n::UBIGINT)::BIGINT);
CREATE OR REPLACE MACRO pick3(k, i, j, n) AS ((hash(${s}, k, i, j) % n::UBIGINT)::BIGINT);
CREATE OR REPLACE MACRO nrm(k, i) AS (sqrt(-2 * ln(1 - rnd(k || '.a', i))) * cos(2 * pi() * rnd(k || '.b', i)));
CREATE OR REPLACE MACRO nrm3(k, i, j) AS (sqrt(-2 * ln(1 - rnd3(k || '.a', i, j))) * cos(2 * pi() * rnd3(k || '.b', i, j)));
-- BSN from an index k in [0, 81e6): 7 digits q, an 8th digit chosen among the nine that leave a
-- valid check digit, and the check digit itself (11-proef).
CREATE OR REPLACE MACRO bsn_s7(q) AS (9 * (q // 1000000 % 10) + 8 * (q // 100000 % 10) + 7 * (q // 10000 % 10) + 6 * (q // 1000 % 10) + 5 * (q // 100 % 10) + 4 * (q // 10 % 10) + 3 * (q % 10));
CREATE OR REPLACE MACRO bsn_d(q, s7, d8) AS (q::VARCHAR || d8::VARCHAR || ((s7 + 2 * d8) % 11)::VARCHAR);
CREATE OR REPLACE MACRO bsn_j(q, s7, j) AS bsn_d(q, s7, j + CASE WHEN (6 * (10 - s7 % 11 + 11)) % 11 <= j THEN 1 ELSE 0 END);
CREATE OR REPLACE MACRO bsn_q(q, j) AS bsn_j(q, bsn_s7(q), j);
CREATE OR REPLACE MACRO bsn_of(pid) AS bsn_q(1000000 + ((pid * 7919 + ${offset(seed, 81_000_000)}) % 81000000) // 9, ((pid * 7919 + ${offset(seed, 81_000_000)}) % 81000000) % 9);
CREATE OR REPLACE MACRO kvk_of(bid) AS ((10000000 + (bid * 7919 + ${offset(seed, 90_000_000)}) % 90000000)::VARCHAR);
CREATE OR REPLACE MACRO vestiging_of(vid) AS lpad(((vid * 104729 + ${offset(seed, 100_000_000)}) % 100000000)::VARCHAR, 12, '0');
CREATE OR REPLACE MACRO day_in(k, i, j, yr) AS (make_date(yr::BIGINT, 1, 1) + pick3(k, i, j, 365)::INTEGER);
`;
}
