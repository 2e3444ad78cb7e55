package datasvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/seal"
)

// KeyInfo is what Status and GenerateKey tell of an HPKE key pair held in
// the database: never the private key.
type KeyInfo struct {
	KeyID     string        `json:"key_id"`
	Suite     string        `json:"suite"`
	PublicKey core.HexBytes `json:"public_key"`
	CreatedAt string        `json:"created_at"`
}

// ErrKeyExists is returned by GenerateKey for a key id the database
// already holds; ErrNoKey by PrivateKey for one it does not.
var (
	ErrKeyExists = errors.New("datasvc: key id already in the database")
	ErrNoKey     = errors.New("datasvc: no private key with that id in the database")
)

// GenerateKey makes a new HPKE key pair of the suite (seal.GenerateKey),
// stores the private key under keyID and returns the key's public part,
// which the agency's admin registers on chain (sharing/register_key)
// under the same key id. The private key is stored unencrypted; the
// database file's mode (0600) is its only protection.
func (s *Store) GenerateKey(ctx context.Context, suite, keyID string) (*KeyInfo, error) {
	if err := core.ValidateID("key id", keyID); err != nil {
		return nil, fmt.Errorf("datasvc: %v", err)
	}
	priv, err := seal.GenerateKey(suite)
	if err != nil {
		return nil, err
	}
	raw, err := priv.MarshalBinary()
	if err != nil {
		return nil, err
	}
	info := &KeyInfo{KeyID: keyID, Suite: suite, PublicKey: priv.PublicKeyBytes(), CreatedAt: now()}
	_, err = s.db.ExecContext(ctx, `INSERT INTO hpke_keys (key_id, suite, private_key, public_key, created_at) VALUES (?, ?, ?, ?, ?)`,
		info.KeyID, info.Suite, raw, []byte(info.PublicKey), info.CreatedAt)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return nil, fmt.Errorf("%w: %s (a key id is never reused: pick a new one)", ErrKeyExists, keyID)
	}
	if err != nil {
		return nil, dbErr("store the key", err)
	}
	return info, nil
}

// PrivateKey returns the private key stored under keyID, or an error
// wrapping ErrNoKey.
func (s *Store) PrivateKey(ctx context.Context, keyID string) (*seal.PrivateKey, error) {
	var suite string
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT suite, private_key FROM hpke_keys WHERE key_id = ?`, keyID).Scan(&suite, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q (in %s)", ErrNoKey, keyID, s.path)
	}
	if err != nil {
		return nil, dbErr("read key "+keyID, err)
	}
	return seal.ParsePrivateKey(suite, raw)
}

// Keys returns every key pair the database holds, by key id, without
// their private keys.
func (s *Store) Keys(ctx context.Context) ([]KeyInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, suite, public_key, created_at FROM hpke_keys ORDER BY key_id`)
	if err != nil {
		return nil, dbErr("list keys", err)
	}
	defer rows.Close()
	out := []KeyInfo{}
	for rows.Next() {
		var k KeyInfo
		var pub []byte
		if err := rows.Scan(&k.KeyID, &k.Suite, &pub, &k.CreatedAt); err != nil {
			return nil, dbErr("list keys", err)
		}
		k.PublicKey = pub
		out = append(out, k)
	}
	return out, dbErr("list keys", rows.Err())
}
