package datasvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govchain/govchain/seal"
)

// Version is one version of a record the database holds: the values and
// salts of every field of its class, sorted by name. Local versions count
// from 1 per (class, subject); ChainVersion is the version of the record
// on chain whose commitments these are, or 0 while its commit_record is
// not confirmed.
type Version struct {
	Class        string
	Subject      string
	Version      uint64
	ChainVersion uint64
	Fields       []seal.Field
}

// Commitments returns the commitment of each field, by name.
func (v *Version) Commitments() map[string][32]byte {
	out := make(map[string][32]byte, len(v.Fields))
	for _, f := range v.Fields {
		out[f.Name] = f.Commitment()
	}
	return out
}

// Values returns the value of each field, by name.
func (v *Version) Values() map[string]string {
	out := make(map[string]string, len(v.Fields))
	for _, f := range v.Fields {
		out[f.Name] = f.Value
	}
	return out
}

// LatestVersion returns the newest version of the record held, or nil if
// there is none.
func (s *Store) LatestVersion(ctx context.Context, class, subject string) (*Version, error) {
	return s.version(ctx, `SELECT version, chain_version FROM record_versions WHERE class = ? AND subject = ? ORDER BY version DESC LIMIT 1`,
		class, subject)
}

// VersionOnChain returns the version held whose commitments are those of
// the record's version chainVersion on chain, or nil if there is none.
func (s *Store) VersionOnChain(ctx context.Context, class, subject string, chainVersion uint64) (*Version, error) {
	return s.version(ctx, `SELECT version, chain_version FROM record_versions WHERE class = ? AND subject = ? AND chain_version = ?`,
		class, subject, chainVersion)
}

func (s *Store) version(ctx context.Context, query, class, subject string, args ...any) (*Version, error) {
	v := &Version{Class: class, Subject: subject}
	var chain sql.NullInt64
	err := s.db.QueryRowContext(ctx, query, append([]any{class, subject}, args...)...).Scan(&v.Version, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, dbErr("read a record version", err)
	}
	v.ChainVersion = uint64(chain.Int64)
	rows, err := s.db.QueryContext(ctx, `SELECT name, value, salt FROM field_values WHERE class = ? AND subject = ? AND version = ? ORDER BY name`,
		class, subject, v.Version)
	if err != nil {
		return nil, dbErr("read field values", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f seal.Field
		var salt []byte
		if err := rows.Scan(&f.Name, &f.Value, &salt); err != nil {
			return nil, dbErr("read field values", err)
		}
		if len(salt) != len(f.Salt) {
			return nil, fmt.Errorf("%w: field %s of %s/%s version %d has a salt of %d bytes", ErrStore, f.Name, class, subject, v.Version, len(salt))
		}
		copy(f.Salt[:], salt)
		v.Fields = append(v.Fields, f)
	}
	return v, dbErr("read field values", rows.Err())
}

// AddVersion stores a new, unconfirmed version of the record with the
// given fields (sorted by name, each with its fresh salt), numbered one
// past the newest held, in one transaction.
func (s *Store) AddVersion(ctx context.Context, class, subject string, fields []seal.Field) (*Version, error) {
	v := &Version{Class: class, Subject: subject, Fields: fields}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM record_versions WHERE class = ? AND subject = ?`,
			class, subject).Scan(&v.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO record_versions (class, subject, version, created_at) VALUES (?, ?, ?, ?)`,
			class, subject, v.Version, now()); err != nil {
			return err
		}
		for _, f := range fields {
			if _, err := tx.ExecContext(ctx, `INSERT INTO field_values (class, subject, version, name, value, salt) VALUES (?, ?, ?, ?, ?, ?)`,
				class, subject, v.Version, f.Name, f.Value, f.Salt[:]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, dbErr("store a record version", err)
	}
	return v, nil
}

// ConfirmVersion records that version v of the record is the record's
// version chainVersion on chain.
func (s *Store) ConfirmVersion(ctx context.Context, class, subject string, v, chainVersion uint64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE record_versions SET chain_version = ? WHERE class = ? AND subject = ? AND version = ?`,
		chainVersion, class, subject, v)
	return dbErr("confirm a record version", err)
}

// DeletePendingVersion removes version v of the record if it was never
// confirmed on chain (its commit was refused): nothing of it remains.
func (s *Store) DeletePendingVersion(ctx context.Context, class, subject string, v uint64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM record_versions WHERE class = ? AND subject = ? AND version = ? AND chain_version IS NULL`,
		class, subject, v)
	return dbErr("delete a pending record version", err)
}

// ClassCount is what the database holds of one class.
type ClassCount struct {
	Class string `json:"class"`
	// Records is the number of subjects with at least one version.
	Records int `json:"records"`
	// Versions counts every version held; Pending those whose commit is
	// not confirmed on chain.
	Versions int `json:"versions"`
	Pending  int `json:"pending"`
}

// Classes returns, per class, how many records and versions the database
// holds, by class id.
func (s *Store) Classes(ctx context.Context) ([]ClassCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT class, count(DISTINCT subject), count(*), count(*) - count(chain_version)
		FROM record_versions GROUP BY class ORDER BY class`)
	if err != nil {
		return nil, dbErr("count records", err)
	}
	defer rows.Close()
	out := []ClassCount{}
	for rows.Next() {
		var c ClassCount
		if err := rows.Scan(&c.Class, &c.Records, &c.Versions, &c.Pending); err != nil {
			return nil, dbErr("count records", err)
		}
		out = append(out, c)
	}
	return out, dbErr("count records", rows.Err())
}
