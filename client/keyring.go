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
	"sync"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/internal/durable"
)

// KeyringFile is the name of the keyring file inside a keyring directory.
const KeyringFile = "keys.json"

// ExportType is the "type" field of an exported key file.
const ExportType = "govchain/ed25519-private-key"

// Keyring backends. The backend is recorded in the keyring file when the
// keyring is created, and every later use takes it from there.
const (
	// BackendFile seals every private key with the keyring's passphrase
	// (argon2id and XChaCha20-Poly1305). A file keyring never holds a
	// plaintext key: one found there is refused until Encrypt seals it.
	// It is the backend of a new keyring unless another is asked for.
	BackendFile = "file"
	// BackendTest stores private keys in PLAINTEXT, for tests and the
	// development chain only: its demo keys must never guard anything
	// real.
	BackendTest = "test"
)

// Kinds of key, as KeyInfo.Kind reports them.
const (
	// KindPlaintext is a private key stored in plaintext (test backend).
	KindPlaintext = "plaintext"
	// KindEncrypted is a private key sealed with the passphrase.
	KindEncrypted = "encrypted"
	// KindPKCS11 is a key pair on a PKCS#11 token; the keyring holds its
	// public key and where to find it.
	KindPKCS11 = "pkcs11"
)

// ErrKeyNotFound is returned (wrapped in *KeyNotFoundError) when a keyring
// has no key of the requested name.
var ErrKeyNotFound = errors.New("client: no such key")

// ErrKeyExists is returned when a key name is already taken.
var ErrKeyExists = errors.New("client: key name already in use")

// ErrPlaintextKey is returned for a plaintext private key in a keyring
// whose backend is BackendFile: it is neither used nor joined by a new one
// until Encrypt has sealed it.
var ErrPlaintextKey = errors.New("client: plaintext private key in a keyring whose backend is file")

// ErrNoPassphrase is returned when a file keyring needs its passphrase
// and KeyringOptions gave no way to ask for it.
var ErrNoPassphrase = errors.New("client: the keyring's backend is file and no passphrase was given")

// ErrTokenKey is returned by Get for a key held on a PKCS#11 token: its
// private key cannot be read (Keyring.Signer signs with it).
var ErrTokenKey = errors.New("client: the key is on a PKCS#11 token and its private key cannot be read")

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

// Key is a named ed25519 account key held in memory. It is a Signer.
type Key struct {
	Name    string
	PrivKey ed25519.PrivKey
}

// PubKey returns the public key.
func (k *Key) PubKey() ed25519.PubKey { return k.PrivKey.PubKey().(ed25519.PubKey) }

// Address returns the account address of the key.
func (k *Key) Address() core.Address { return core.AddressOf(k.PubKey()) }

// Sign returns the ed25519 signature of msg.
func (k *Key) Sign(msg []byte) ([]byte, error) { return k.PrivKey.Sign(msg) }

// KeyInfo is the public part of a keyring entry: what List, Info and
// ResolveAddress read without a passphrase or a token.
type KeyInfo struct {
	Name   string
	PubKey ed25519.PubKey
	// Kind is KindPlaintext, KindEncrypted or KindPKCS11.
	Kind string
	// PKCS11 is where a KindPKCS11 key is (nil otherwise).
	PKCS11 *PKCS11Key
}

// Address returns the account address of the key.
func (k KeyInfo) Address() core.Address { return core.AddressOf(k.PubKey) }

// KeyringOptions says how a keyring is opened. The zero value opens an
// existing keyring with its recorded backend and cannot decrypt a file
// keyring's keys.
type KeyringOptions struct {
	// Backend is the backend of a keyring that does not exist yet
	// (BackendFile if empty). If set, an existing keyring of another
	// backend is refused.
	Backend string
	// Passphrase returns a file keyring's passphrase, asked only when a
	// key is sealed or opened, and at most once per Keyring once it
	// proved right. confirm is true when the keyring holds no sealed key
	// yet, so the passphrase is being chosen (ask it twice).
	Passphrase func(dir string, confirm bool) ([]byte, error)
	// PIN returns the user PIN of the token holding a PKCS#11 key whose
	// entry names no PIN file (see PKCS11Key.PINFile).
	PIN func(key PKCS11Key) ([]byte, error)
}

// Keyring is a directory holding one JSON file of named ed25519 keys. The
// directory is created with mode 0700 and the file with mode 0600; a file
// that others may read is refused. The file records the backend
// (BackendFile or BackendTest); names, addresses and public keys are
// readable without a passphrase, private keys of a file keyring are not.
//
// A Keyring is not safe for concurrent writers (two processes adding keys
// at once may lose one); reads are always consistent because writes replace
// the file atomically.
type Keyring struct {
	dir  string
	opts KeyringOptions

	mu   sync.Mutex
	pass []byte // the passphrase, once it opened a sealed key or sealed the first one
}

// NewKeyring returns the keyring in dir with the zero KeyringOptions.
// Nothing is created until a key is added.
func NewKeyring(dir string) *Keyring { return &Keyring{dir: dir} }

// OpenKeyring returns the keyring in dir opened with opts. Nothing is
// created until a key is added (or Init).
func OpenKeyring(dir string, opts KeyringOptions) *Keyring { return &Keyring{dir: dir, opts: opts} }

// Dir returns the keyring's directory.
func (kr *Keyring) Dir() string { return kr.dir }

// keyFile is one key as stored in the keyring and in an export file. Its
// private part is exactly one of PrivKey (plaintext), Encrypted and
// PKCS11; an export file holds PrivKey.
type keyFile struct {
	Type      string        `json:"type,omitempty"`
	Name      string        `json:"name"`
	Address   core.Address  `json:"address"`
	PubKey    core.HexBytes `json:"pub_key"`
	PrivKey   core.HexBytes `json:"priv_key,omitempty"`
	Encrypted *sealedKey    `json:"encrypted,omitempty"`
	PKCS11    *PKCS11Key    `json:"pkcs11,omitempty"`
}

// ringFile is the keyring file. A file written before backends existed
// has no backend and is taken as BackendFile.
type ringFile struct {
	Backend string    `json:"backend,omitempty"`
	Keys    []keyFile `json:"keys"`
}

// info checks an entry's public part and returns it.
func (kf keyFile) info() (KeyInfo, error) {
	if err := ValidateKeyName(kf.Name); err != nil {
		return KeyInfo{}, err
	}
	if len(kf.PubKey) != ed25519.PubKeySize {
		return KeyInfo{}, fmt.Errorf("key %q: pub_key must be %d bytes", kf.Name, ed25519.PubKeySize)
	}
	ki := KeyInfo{Name: kf.Name, PubKey: ed25519.PubKey(bytes.Clone(kf.PubKey))}
	if ki.Address() != kf.Address {
		return KeyInfo{}, fmt.Errorf("key %q: address does not match pub_key", kf.Name)
	}
	n := 0
	if kf.PrivKey != nil {
		n, ki.Kind = n+1, KindPlaintext
	}
	if kf.Encrypted != nil {
		n, ki.Kind = n+1, KindEncrypted
	}
	if kf.PKCS11 != nil {
		n, ki.Kind = n+1, KindPKCS11
		ref := *kf.PKCS11
		ki.PKCS11 = &ref
		if err := ref.Validate(); err != nil {
			return KeyInfo{}, fmt.Errorf("key %q: %w", kf.Name, err)
		}
	}
	if n != 1 {
		return KeyInfo{}, fmt.Errorf("key %q must have exactly one of priv_key, encrypted and pkcs11", kf.Name)
	}
	return ki, nil
}

// plainKey returns the key of a plaintext entry, checked against its
// public key and address.
func (kf keyFile) plainKey(priv []byte) (*Key, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("key %q: priv_key must be %d bytes", kf.Name, ed25519.PrivateKeySize)
	}
	k := &Key{Name: kf.Name, PrivKey: ed25519.PrivKey(bytes.Clone(priv))}
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

// ValidateBackend accepts BackendFile and BackendTest.
func ValidateBackend(b string) error {
	if b != BackendFile && b != BackendTest {
		return fmt.Errorf("client: keyring backend %q: want %s (encrypted) or %s (plaintext, for tests and the development chain only)", b, BackendFile, BackendTest)
	}
	return nil
}

func (kr *Keyring) path() string { return filepath.Join(kr.dir, KeyringFile) }

// load reads the keyring file; a keyring that does not exist is empty,
// with the backend of KeyringOptions. Every entry's public part is
// checked.
func (kr *Keyring) load() (*ringFile, error) {
	want := kr.opts.Backend
	if want != "" {
		if err := ValidateBackend(want); err != nil {
			return nil, err
		}
	}
	f := kr.path()
	st, err := os.Stat(f)
	if errors.Is(err, fs.ErrNotExist) {
		if want == "" {
			want = BackendFile
		}
		return &ringFile{Backend: want}, nil
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
	if rf.Backend == "" {
		rf.Backend = BackendFile
	}
	if err := ValidateBackend(rf.Backend); err != nil {
		return nil, fmt.Errorf("keyring %s: %w", f, err)
	}
	if want != "" && want != rf.Backend {
		return nil, fmt.Errorf("client: keyring %s uses the %s backend, not %s (a keyring keeps the backend it was created with)", kr.dir, rf.Backend, want)
	}
	for _, kf := range rf.Keys {
		if _, err := kf.info(); err != nil {
			return nil, fmt.Errorf("keyring %s: %w", f, err)
		}
	}
	return &rf, nil
}

// save writes the keyring atomically (temp file, fsync, rename, directory
// fsync) with mode 0600.
func (kr *Keyring) save(rf *ringFile) error {
	if err := os.MkdirAll(kr.dir, 0o700); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	slices.SortFunc(rf.Keys, func(a, b keyFile) int { return strings.Compare(a.Name, b.Name) })
	if rf.Keys == nil {
		rf.Keys = []keyFile{}
	}
	b, err := json.MarshalIndent(rf, "", "  ")
	if err != nil {
		return fmt.Errorf("keyring: encode: %w", err)
	}
	if err := writeFileAtomic(kr.path(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	return durable.Sync(kr.dir)
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

// Backend returns the keyring's backend: the recorded one, or for a
// keyring not created yet the one it would be created with.
func (kr *Keyring) Backend() (string, error) {
	rf, err := kr.load()
	if err != nil {
		return "", err
	}
	return rf.Backend, nil
}

// Init creates the keyring, empty, if it does not exist, so that its
// backend is recorded before any key is added. An existing keyring is
// left as it is (and refused if KeyringOptions names another backend).
func (kr *Keyring) Init() error {
	rf, err := kr.load()
	if err != nil {
		return err
	}
	if _, err := os.Stat(kr.path()); err == nil {
		return nil
	}
	return kr.save(rf)
}

// List returns the public part of every key, sorted by name. It needs
// no passphrase.
func (kr *Keyring) List() ([]KeyInfo, error) {
	rf, err := kr.load()
	if err != nil {
		return nil, err
	}
	out := make([]KeyInfo, 0, len(rf.Keys))
	for _, kf := range rf.Keys {
		ki, _ := kf.info() // checked by load
		out = append(out, ki)
	}
	slices.SortFunc(out, func(a, b KeyInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// entry returns the keyring and its entry called name, or a
// *KeyNotFoundError.
func (kr *Keyring) entry(name string) (*ringFile, keyFile, error) {
	rf, err := kr.load()
	if err != nil {
		return nil, keyFile{}, err
	}
	for _, kf := range rf.Keys {
		if kf.Name == name {
			return rf, kf, nil
		}
	}
	return nil, keyFile{}, &KeyNotFoundError{Name: name, Dir: kr.dir}
}

// Info returns the public part of the key called name; it needs no
// passphrase.
func (kr *Keyring) Info(name string) (KeyInfo, error) {
	_, kf, err := kr.entry(name)
	if err != nil {
		return KeyInfo{}, err
	}
	return kf.info()
}

// Get returns the key called name, decrypted with the passphrase in a
// file keyring, or a *KeyNotFoundError. A key on a token is ErrTokenKey.
func (kr *Keyring) Get(name string) (*Key, error) {
	rf, kf, err := kr.entry(name)
	if err != nil {
		return nil, err
	}
	var k *Key
	switch {
	case kf.PKCS11 != nil:
		return nil, fmt.Errorf("%w: %q (use it as a signer)", ErrTokenKey, name)
	case kf.PrivKey != nil && rf.Backend == BackendFile:
		return nil, kr.plaintextErr(name)
	case kf.PrivKey != nil:
		k, err = kf.plainKey(kf.PrivKey)
	default:
		k, err = kr.openSealed(kf)
	}
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", kr.path(), err)
	}
	return k, nil
}

func (kr *Keyring) plaintextErr(name string) error {
	return fmt.Errorf("%w: key %q in %s; seal its plaintext keys with: govchain keys encrypt", ErrPlaintextKey, name, kr.dir)
}

// openSealed decrypts a sealed entry, asking for the passphrase unless an
// earlier one proved right.
func (kr *Keyring) openSealed(kf keyFile) (*Key, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	pass := kr.pass
	if pass == nil {
		var err error
		if pass, err = kr.askPassphrase(false); err != nil {
			return nil, err
		}
	}
	priv, err := kf.Encrypted.open(kf.Address, pass)
	if err != nil {
		return nil, err
	}
	k, err := kf.plainKey(priv)
	if err != nil {
		return nil, err
	}
	kr.pass = pass
	return k, nil
}

func (kr *Keyring) askPassphrase(confirm bool) ([]byte, error) {
	if kr.opts.Passphrase == nil {
		return nil, fmt.Errorf("%w (keyring %s)", ErrNoPassphrase, kr.dir)
	}
	p, err := kr.opts.Passphrase(kr.dir, confirm)
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("client: keyring %s: the passphrase is empty", kr.dir)
	}
	return p, nil
}

// passphraseFor returns the passphrase to seal a new key of rf with: the
// one that opens rf's sealed keys (checked on one of them), or a new one
// if rf has none.
func (kr *Keyring) passphraseFor(rf *ringFile) ([]byte, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.pass != nil {
		return kr.pass, nil
	}
	i := slices.IndexFunc(rf.Keys, func(kf keyFile) bool { return kf.Encrypted != nil })
	pass, err := kr.askPassphrase(i < 0)
	if err != nil {
		return nil, err
	}
	if i >= 0 {
		if _, err := rf.Keys[i].Encrypted.open(rf.Keys[i].Address, pass); err != nil {
			return nil, fmt.Errorf("keyring %s: %w", kr.dir, err)
		}
	}
	kr.pass = pass
	return pass, nil
}

// Signer returns a signer of the key called name: the key itself
// (decrypted in a file keyring), or for a key on a PKCS#11 token a
// *TokenSigner logged in to the token, which the caller must close.
func (kr *Keyring) Signer(name string) (Signer, error) {
	_, kf, err := kr.entry(name)
	if err != nil {
		return nil, err
	}
	if kf.PKCS11 == nil {
		return kr.Get(name)
	}
	pin, err := kr.pin(*kf.PKCS11)
	if err != nil {
		return nil, err
	}
	ts, err := OpenPKCS11(*kf.PKCS11, pin, false)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(ts.PubKey(), kf.PubKey) {
		ts.Close()
		return nil, fmt.Errorf("client: key %q: the token's key %q is not the one the keyring recorded (public key %X, token has %X)",
			name, kf.PKCS11.KeyLabel, []byte(kf.PubKey), []byte(ts.PubKey()))
	}
	return ts, nil
}

// pin returns the PIN of ref's token: the content of its PIN file, or
// KeyringOptions.PIN's answer.
func (kr *Keyring) pin(ref PKCS11Key) ([]byte, error) {
	if ref.PINFile != "" {
		return ReadSecretFile(ref.PINFile)
	}
	if kr.opts.PIN == nil {
		return nil, fmt.Errorf("client: token %q: no PIN file and no way to ask for the PIN", ref.Token)
	}
	return kr.opts.PIN(ref)
}

// Create generates a new key called name and stores it.
func (kr *Keyring) Create(name string) (*Key, error) {
	k := &Key{Name: name, PrivKey: ed25519.GenPrivKey()}
	if err := kr.Add(k); err != nil {
		return nil, err
	}
	return k, nil
}

// checkNew refuses a name or an address rf already holds.
func (kr *Keyring) checkNew(rf *ringFile, name string, addr core.Address) error {
	if err := ValidateKeyName(name); err != nil {
		return err
	}
	for _, kf := range rf.Keys {
		if kf.Name == name {
			return fmt.Errorf("%w: %q in %s", ErrKeyExists, name, kr.dir)
		}
		if kf.Address == addr {
			return fmt.Errorf("%w: the key of address %s is already stored as %q", ErrKeyExists, addr, kf.Name)
		}
	}
	return nil
}

// refusePlaintext refuses to add to a file keyring that still holds a
// plaintext key.
func (kr *Keyring) refusePlaintext(rf *ringFile) error {
	if rf.Backend != BackendFile {
		return nil
	}
	if i := slices.IndexFunc(rf.Keys, func(kf keyFile) bool { return kf.PrivKey != nil }); i >= 0 {
		return kr.plaintextErr(rf.Keys[i].Name)
	}
	return nil
}

// Add stores k under k.Name, sealed with the passphrase in a file keyring
// and in plaintext in a test keyring; the name and the address must both
// be new.
func (kr *Keyring) Add(k *Key) error {
	if err := ValidateKeyName(k.Name); err != nil {
		return err
	}
	if len(k.PrivKey) != ed25519.PrivateKeySize {
		return fmt.Errorf("key %q: private key must be %d bytes", k.Name, ed25519.PrivateKeySize)
	}
	rf, err := kr.load()
	if err != nil {
		return err
	}
	if err := kr.checkNew(rf, k.Name, k.Address()); err != nil {
		return err
	}
	if err := kr.refusePlaintext(rf); err != nil {
		return err
	}
	kf := fileOf(k)
	if rf.Backend == BackendFile {
		pass, err := kr.passphraseFor(rf)
		if err != nil {
			return err
		}
		if kf.Encrypted, err = sealKey(k.PrivKey, kf.Address, pass); err != nil {
			return err
		}
		kf.PrivKey = nil
	}
	rf.Keys = append(rf.Keys, kf)
	return kr.save(rf)
}

// Encrypt seals every plaintext key with the passphrase (asked for, and
// checked against the keys already sealed) and records the file backend:
// it turns a test keyring, or a keyring written before backends existed,
// into a file keyring. It returns how many keys it sealed; nothing is
// written if it fails.
func (kr *Keyring) Encrypt() (int, error) {
	rf, err := kr.load()
	if err != nil {
		return 0, err
	}
	n := 0
	for i, kf := range rf.Keys {
		if kf.PrivKey == nil {
			continue
		}
		k, err := kf.plainKey(kf.PrivKey)
		if err != nil {
			return 0, fmt.Errorf("keyring %s: %w", kr.path(), err)
		}
		pass, err := kr.passphraseFor(rf)
		if err != nil {
			return 0, err
		}
		if rf.Keys[i].Encrypted, err = sealKey(k.PrivKey, kf.Address, pass); err != nil {
			return 0, err
		}
		rf.Keys[i].PrivKey = nil
		n++
	}
	if n == 0 && rf.Backend == BackendFile {
		if _, err := os.Stat(kr.path()); err == nil {
			return 0, nil
		}
	}
	rf.Backend = BackendFile
	return n, kr.save(rf)
}

// Delete removes the key called name (of a token key, only the keyring's
// record: the key pair stays on the token).
func (kr *Keyring) Delete(name string) error {
	rf, err := kr.load()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rf.Keys, func(kf keyFile) bool { return kf.Name == name })
	if i < 0 {
		return &KeyNotFoundError{Name: name, Dir: kr.dir}
	}
	rf.Keys = slices.Delete(rf.Keys, i, i+1)
	return kr.save(rf)
}

// Export returns the key called name as a JSON document holding the
// PLAINTEXT private key; whoever reads it controls the account. A key on
// a token cannot be exported.
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
	if kf.Encrypted != nil || kf.PKCS11 != nil {
		return nil, fmt.Errorf("key file holds no exported private key")
	}
	if name != "" {
		kf.Name = name
	}
	if err := ValidateKeyName(kf.Name); err != nil {
		return nil, err
	}
	return kf.plainKey(kf.PrivKey)
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
// address, anything else as the name of a key in kr (read without a
// passphrase).
func (kr *Keyring) ResolveAddress(s string) (core.Address, error) {
	if len(s) == 2*core.AddressSize {
		if _, err := hex.DecodeString(s); err == nil {
			return core.ParseAddress(strings.ToLower(s))
		}
	}
	k, err := kr.Info(s)
	if err != nil {
		return core.Address{}, err
	}
	return k.Address(), nil
}

// ReadSecretFile reads a passphrase or PIN from path: its first line,
// without the line ending. A file that other users may read, or an empty
// secret, is refused.
func ReadSecretFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("client: secret file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("client: secret file %s is accessible by other users (mode %04o); run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("client: secret file: %w", err)
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, fmt.Errorf("client: secret file %s is empty", path)
	}
	return b, nil
}
