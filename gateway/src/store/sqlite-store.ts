import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ROLES, type Role } from '../auth/roles';
import type { GatewayStore, RequestIndexEntry, StoredUser } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  msp_id TEXT NOT NULL,
  role TEXT NOT NULL,
  certificate TEXT NOT NULL,
  sealed_private_key BLOB NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS patient_emrs (
  patient_key TEXT PRIMARY KEY,
  emr_id TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS access_requests (
  request_id TEXT PRIMARY KEY,
  owner_msp TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS access_requests_by_patient ON access_requests (owner_msp, patient_key);
`;

/**
 * The default store: one SQLite file (node:sqlite, no native module) on the gateway's volume, readable by the
 * owner only. Pass `:memory:` for a throw-away database.
 */
export function openSqliteStore(file: string): GatewayStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(file);
  if (file !== ':memory:') chmodSync(file, 0o600);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  db.exec(SCHEMA);
  const statements = {
    findUser: db.prepare('SELECT * FROM users WHERE username = ?'),
    insertUser: db.prepare(
      `INSERT INTO users (username, msp_id, role, certificate, sealed_private_key, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`,
    ),
    putPatient: db.prepare(
      'INSERT INTO patient_emrs (patient_key, emr_id) VALUES (?, ?) ON CONFLICT (patient_key) DO UPDATE SET emr_id = excluded.emr_id',
    ),
    emrIdOf: db.prepare('SELECT emr_id FROM patient_emrs WHERE patient_key = ?'),
    putRequest: db.prepare(
      'INSERT INTO access_requests (request_id, owner_msp, patient_key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING',
    ),
    requestIdsOf: db.prepare(
      'SELECT request_id FROM access_requests WHERE owner_msp = ? AND patient_key = ? ORDER BY created_at DESC, request_id',
    ),
    ping: db.prepare('SELECT 1'),
  };
  return {
    users: {
      find(username) {
        const row = statements.findUser.get(username);
        return Promise.resolve(row === undefined ? undefined : toUser(row));
      },
      insert(user: StoredUser) {
        const result = statements.insertUser.run(
          user.username,
          user.mspId,
          user.role,
          user.certificate,
          user.sealedPrivateKey,
          user.passwordHash,
          user.createdAt,
        );
        return Promise.resolve(result.changes === 1 ? 'inserted' : 'exists');
      },
    },
    patients: {
      put(patientKey, emrId) {
        statements.putPatient.run(patientKey, emrId);
        return Promise.resolve();
      },
      emrIdOf(patientKey) {
        const row = statements.emrIdOf.get(patientKey);
        return Promise.resolve(row === undefined ? undefined : String(row['emr_id']));
      },
    },
    requests: {
      put(entry: RequestIndexEntry) {
        statements.putRequest.run(entry.requestId, entry.ownerMsp, entry.patientKey, entry.createdAt);
        return Promise.resolve();
      },
      requestIdsOf(ownerMsp, patientKey) {
        const rows = statements.requestIdsOf.all(ownerMsp, patientKey);
        return Promise.resolve(rows.map((row) => String(row['request_id'])));
      },
    },
    ping() {
      statements.ping.get();
      return Promise.resolve();
    },
    close() {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
}

type Row = Record<string, unknown>;

function toUser(row: Row): StoredUser {
  const role = ROLES.find((known) => known === row['role']);
  if (role === undefined) throw new Error(`user row with unknown role ${String(row['role'])}`);
  return {
    username: String(row['username']),
    mspId: String(row['msp_id']),
    role: role satisfies Role,
    certificate: String(row['certificate']),
    sealedPrivateKey: row['sealed_private_key'] as Uint8Array,
    passwordHash: String(row['password_hash']),
    createdAt: String(row['created_at']),
  };
}
