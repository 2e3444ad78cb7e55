package datasvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"
)

// Store is the service's database: one SQLite file holding the agency's
// HPKE private keys, the values and salts of every record version it
// committed, the sealed payloads it delivered and those it fetched. It is
// safe for concurrent use by one process; two processes may share the
// file (SQLite locks it), but only one serve should run per database.
//
// The file is created with mode 0600 in a directory of mode 0700, and a
// file that other users may read is refused: the private keys and the
// values are stored unencrypted, the file's permissions being their only
// protection (until keys at rest are encrypted, issue 14).
type Store struct {
	db   *sql.DB
	path string
}

// ErrStore wraps every error of the database itself (opening, schema,
// reading, writing).
var ErrStore = errors.New("datasvc: database")

// SchemaVersion is the schema version this program writes; Open migrates
// an older database up to it and refuses a newer one.
func SchemaVersion() int { return len(migrations) }

// migrations[i] takes the schema from version i to version i+1. A
// migration is never changed once released: a change is a new one.
var migrations = []string{
	// 1: keys, record versions with their field values and salts,
	// deliveries made and payloads received, and the agency the
	// database belongs to.
	`CREATE TABLE meta (
		name  TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) STRICT;
	CREATE TABLE hpke_keys (
		key_id      TEXT PRIMARY KEY,
		suite       TEXT NOT NULL,
		private_key BLOB NOT NULL CHECK (length(private_key) = 32),
		public_key  BLOB NOT NULL,
		created_at  TEXT NOT NULL
	) STRICT;
	CREATE TABLE record_versions (
		class         TEXT NOT NULL,
		subject       TEXT NOT NULL,
		version       INTEGER NOT NULL CHECK (version > 0),
		chain_version INTEGER CHECK (chain_version > 0),
		created_at    TEXT NOT NULL,
		PRIMARY KEY (class, subject, version)
	) STRICT;
	CREATE UNIQUE INDEX record_versions_chain ON record_versions (class, subject, chain_version)
		WHERE chain_version IS NOT NULL;
	CREATE TABLE field_values (
		class   TEXT NOT NULL,
		subject TEXT NOT NULL,
		version INTEGER NOT NULL,
		name    TEXT NOT NULL,
		value   TEXT NOT NULL,
		salt    BLOB NOT NULL CHECK (length(salt) = 32),
		PRIMARY KEY (class, subject, version, name),
		FOREIGN KEY (class, subject, version) REFERENCES record_versions (class, subject, version) ON DELETE CASCADE
	) STRICT;
	CREATE TABLE deliveries (
		request_id     INTEGER PRIMARY KEY CHECK (request_id > 0),
		key_id         TEXT NOT NULL,
		sealed         BLOB NOT NULL,
		payload_hash   BLOB NOT NULL CHECK (length(payload_hash) = 32),
		stored_at      TEXT NOT NULL,
		receipt_height INTEGER,
		receipt_tx     TEXT
	) STRICT;
	CREATE TABLE received (
		request_id   INTEGER PRIMARY KEY CHECK (request_id > 0),
		key_id       TEXT NOT NULL,
		sealed       BLOB NOT NULL,
		payload_hash BLOB NOT NULL CHECK (length(payload_hash) = 32),
		fetched_at   TEXT NOT NULL,
		verdict      TEXT NOT NULL
	) STRICT;`,
	// 2: the class and subject of each delivery (NULL for those stored
	// before), so that erasing a record also deletes the payloads sealed
	// from it; and the erasures done.
	`ALTER TABLE deliveries ADD COLUMN class TEXT;
	ALTER TABLE deliveries ADD COLUMN subject TEXT;
	CREATE INDEX deliveries_record ON deliveries (class, subject);
	CREATE TABLE erasures (
		class        TEXT NOT NULL,
		subject      TEXT NOT NULL,
		chain_height INTEGER NOT NULL CHECK (chain_height > 0),
		versions     INTEGER NOT NULL,
		payloads     INTEGER NOT NULL,
		erased_at    TEXT NOT NULL,
		PRIMARY KEY (class, subject)
	) STRICT;`,
}

// Open opens the database file at path, creating it (and its directory)
// if needed, and migrates its schema to SchemaVersion. It refuses a file
// that other users may read or write, and a database written by a newer
// program.
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%w: path %q must be non-empty and hold no ? or #", ErrStore, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStore, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStore, err)
	}
	st, err := f.Stat()
	_ = f.Close()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStore, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s is accessible by other users (mode %04o); it holds private keys and personal data: run chmod 600 %s",
			ErrStore, path, st.Mode().Perm(), path)
	}
	// WAL with synchronous=FULL: a committed transaction is on disk when
	// Commit returns, which the exactly-once protocol relies on. Write
	// transactions take the lock at BEGIN, so they never fail half-way
	// on a lock upgrade.
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStore, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Version returns the database's schema version.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("%w: schema version: %v", ErrStore, err)
	}
	return v, nil
}

// migrate creates the schema version table if needed and applies every
// migration past the database's version, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrStore, s.path, err)
	}
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("%w: %s has schema version %d; this program knows versions up to %d (a newer govchain wrote it)",
			ErrStore, s.path, v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("%w: %s: migration to version %d: %v", ErrStore, s.path, v+1, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction, committed if fn returns nil and
// rolled back otherwise.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// dbErr wraps an error of the database in ErrStore, saying what was
// being done.
func dbErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %s: %v", ErrStore, what, err)
}

// now returns the time stored in created_at, stored_at and fetched_at
// columns: UTC, RFC 3339 with nanoseconds.
func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Agency returns the agency the database belongs to, or "" if no command
// has bound it yet (see BindAgency).
func (s *Store) Agency(ctx context.Context) (string, error) {
	var a string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'agency'`).Scan(&a)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return a, dbErr("read the agency", err)
}

// BindAgency records that the database belongs to agency, the first time
// a command that acts on chain uses it; afterwards it refuses any other
// agency, so that one agency's records, keys and deliveries are never
// used by a signer acting for another.
func (s *Store) BindAgency(ctx context.Context, agency string) error {
	var bound string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'agency'`).Scan(&bound)
		if errors.Is(err, sql.ErrNoRows) {
			bound = agency
			_, err = tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES ('agency', ?)`, agency)
		}
		return err
	})
	if err != nil {
		return dbErr("bind the agency", err)
	}
	if bound != agency {
		return fmt.Errorf("datasvc: database %s belongs to agency %s; the signer acts for %s", s.path, bound, agency)
	}
	return nil
}
