package client

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
)

// KeyringFile is the name of the keyring file inside a keyring directory.
const KeyringFile = "keys.json"

// ExportType is the "type" field of an exported key file.
const ExportType = "govchain/ed25519-private-key"

// ErrKeyNotFound is returned (wrapped in *KeyNotFoundError) when a keyring
// has no key of the requested name.
var ErrKeyNotFound = errors.New("client: no such key")

// ErrKeyExists is returned when a key name is already taken.
var ErrKeyExists = errors.New("client: key name already in use")

// KeyNotFoundError names the missing key and the keyring it was looked up in.
type KeyNotFoundError struct {
	Name string
	Dir  string
}

// Error implements error.
func (e *KeyNotFoundError) Error() string {
	return fmt.Sprintf("no key named %q in %s", e.Name, e.Dir)
}

// Unwrap returns ErrKeyNotFound.
func (e *KeyNotFoundError) Unwrap() error { return ErrKeyNotFound }

// Key is a named ed25519 account key.
type Key struct {
	Name    string
	PrivKey ed25519.PrivKey
}

// PubKey returns the public key.
func (k *Key) PubKey() ed25519.PubKey { return k.PrivKey.PubKey().(ed25519.PubKey) }

// Address returns the account address of the key.
func (k *Key) Address() core.Address { return core.AddressOf(k.PubKey()) }

// Keyring is a directory holding one JSON file of named ed25519 keys. The
// directory is created with mode 0700 and the file with mode 0600; a file
// that others may read is refused. Private keys are stored unencrypted: the
// file's permissions are the only protection.
//
// A Keyring is not safe for concurrent writers (two processes adding keys
// at once may lose one); reads are always consistent because writes replace
// the file atomically.
type Keyring struct {
	dir string
}

// NewKeyring returns the keyring in dir. Nothing is created until a key is
// added.
func NewKeyring(dir string) *Keyring { return &Keyring{dir: dir} }

// Dir returns the keyring's directory.
func (kr *Keyring) Dir() string { return kr.dir }

// keyFile is one key as stored in the keyring and in an export file.
type keyFile struct {
	Type    string        `json:"type,omitempty"`
	Name    string        `json:"name"`
	Address core.Address  `json:"address"`
	PubKey  core.HexBytes `json:"pub_key"`
	PrivKey core.HexBytes `json:"priv_key"`
}

type ringFile struct {
	Keys []keyFile `json:"keys"`
}

func (kf keyFile) key() (*Key, error) {
	if err := ValidateKeyName(kf.Name); err != nil {
		return nil, err
	}
	if len(kf.PrivKey) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("key %q: priv_key must be %d bytes", kf.Name, ed25519.PrivateKeySize)
	}
	k := &Key{Name: kf.Name, PrivKey: ed25519.PrivKey(bytes.Clone(kf.PrivKey))}
	if !bytes.Equal(k.PubKey(), kf.PubKey) {
		return nil, fmt.Errorf("key %q: pub_key does not match priv_key", kf.Name)
	}
	if k.Address() != kf.Address {
		return nil, fmt.Errorf("key %q: address does not match pub_key", kf.Name)
	}
	return k, nil
}

func fileOf(k *Key) keyFile {
	return keyFile{Name: k.Name, Address: k.Address(), PubKey: core.HexBytes(k.PubKey()), PrivKey: core.HexBytes(k.PrivKey)}
}

// ValidateKeyName accepts 1-64 characters of lower-case letters, digits
// and - _ . (a key name is typed on command lines and must not look like an
// address).
func ValidateKeyName(name string) error {
	if len(name) == 0 || len(name) > 64 {
		return fmt.Errorf("key name must be 1-64 characters")
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("key name %q: only lower-case letters, digits and - _ . are allowed", name)
		}
	}
	if _, err := core.ParseAddress(name); err == nil {
		return fmt.Errorf("key name %q looks like an address", name)
	}
	return nil
}

func (kr *Keyring) path() string { return filepath.Join(kr.dir, KeyringFile) }

func (kr *Keyring) load() ([]keyFile, error) {
	f := kr.path()
	st, err := os.Stat(f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyring %s is accessible by other users (mode %04o); run chmod 600 %s", f, st.Mode().Perm(), f)
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	var rf ringFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rf); err != nil {
		return nil, fmt.Errorf("keyring %s does not decode: %w", f, err)
	}
	return rf.Keys, nil
}

// save writes the keys atomically (temp file, fsync, rename) with mode 0600.
func (kr *Keyring) save(keys []keyFile) error {
	if err := os.MkdirAll(kr.dir, 0o700); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	slices.SortFunc(keys, func(a, b keyFile) int { return strings.Compare(a.Name, b.Name) })
	b, err := json.MarshalIndent(ringFile{Keys: keys}, "", "  ")
	if err != nil {
		return fmt.Errorf("keyring: encode: %w", err)
	}
	return writeFileAtomic(kr.path(), append(b, '\n'), 0o600)
}

// writeFileAtomic writes data to a temporary file in the same directory,
// syncs it and renames it over path.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// List returns every key, sorted by name.
func (kr *Keyring) List() ([]*Key, error) {
	files, err := kr.load()
	if err != nil {
		return nil, err
	}
	out := make([]*Key, 0, len(files))
	for _, kf := range files {
		k, err := kf.key()
		if err != nil {
			return nil, fmt.Errorf("keyring %s: %w", kr.path(), err)
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b *Key) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Get returns the key called name, or a *KeyNotFoundError.
func (kr *Keyring) Get(name string) (*Key, error) {
	files, err := kr.load()
	if err != nil {
		return nil, err
	}
	for _, kf := range files {
		if kf.Name == name {
			k, err := kf.key()
			if err != nil {
				return nil, fmt.Errorf("keyring %s: %w", kr.path(), err)
			}
			return k, nil
		}
	}
	return nil, &KeyNotFoundError{Name: name, Dir: kr.dir}
}

// Create generates a new key called name and stores it.
func (kr *Keyring) Create(name string) (*Key, error) {
	k := &Key{Name: name, PrivKey: ed25519.GenPrivKey()}
	if err := kr.Add(k); err != nil {
		return nil, err
	}
	return k, nil
}

// Add stores k under k.Name; the name and the address must both be new.
func (kr *Keyring) Add(k *Key) error {
	if err := ValidateKeyName(k.Name); err != nil {
		return err
	}
	if len(k.PrivKey) != ed25519.PrivateKeySize {
		return fmt.Errorf("key %q: private key must be %d bytes", k.Name, ed25519.PrivateKeySize)
	}
	files, err := kr.load()
	if err != nil {
		return err
	}
	addr := k.Address()
	for _, kf := range files {
		if kf.Name == k.Name {
			return fmt.Errorf("%w: %q in %s", ErrKeyExists, k.Name, kr.dir)
		}
		if kf.Address == addr {
			return fmt.Errorf("%w: the key of address %s is already stored as %q", ErrKeyExists, addr, kf.Name)
		}
	}
	return kr.save(append(files, fileOf(k)))
}

// Delete removes the key called name.
func (kr *Keyring) Delete(name string) error {
	files, err := kr.load()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(files, func(kf keyFile) bool { return kf.Name == name })
	if i < 0 {
		return &KeyNotFoundError{Name: name, Dir: kr.dir}
	}
	return kr.save(slices.Delete(files, i, i+1))
}

// Export returns the key called name as a JSON document holding the
// PLAINTEXT private key; whoever reads it controls the account.
func (kr *Keyring) Export(name string) ([]byte, error) {
	k, err := kr.Get(name)
	if err != nil {
		return nil, err
	}
	kf := fileOf(k)
	kf.Type = ExportType
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParseExport decodes an exported key file and checks that its address,
// public and private key agree. If name is not empty it replaces the name
// in the file.
func ParseExport(data []byte, name string) (*Key, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, fmt.Errorf("key file does not decode: %w", err)
	}
	if kf.Type != ExportType {
		return nil, fmt.Errorf("key file type is %q, want %q", kf.Type, ExportType)
	}
	if name != "" {
		kf.Name = name
	}
	return kf.key()
}

// Import stores an exported key (see Export) under its own name, or under
// name if not empty.
func (kr *Keyring) Import(data []byte, name string) (*Key, error) {
	k, err := ParseExport(data, name)
	if err != nil {
		return nil, err
	}
	if err := kr.Add(k); err != nil {
		return nil, err
	}
	return k, nil
}

// ResolveAddress turns s into an address: 40 hex digits are taken as an
// address, anything else as the name of a key in kr.
func (kr *Keyring) ResolveAddress(s string) (core.Address, error) {
	if len(s) == 2*core.AddressSize {
		if _, err := hex.DecodeString(s); err == nil {
			return core.ParseAddress(strings.ToLower(s))
		}
	}
	k, err := kr.Get(s)
	if err != nil {
		return core.Address{}, err
	}
	return k.Address(), nil
}
