package client

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
)

// ErrWrongPIN means the token refused the PIN (CKR_PIN_INCORRECT).
var ErrWrongPIN = errors.New("client: the token refused the PIN")

// ErrNoCgo is returned for a PKCS#11 key by a binary built without cgo:
// PKCS#11 modules are C libraries.
var ErrNoCgo = errors.New("client: PKCS#11 tokens need a binary built with cgo (CGO_ENABLED=1)")

// PKCS11Key says where an ed25519 key pair is on a PKCS#11 token: the
// module (the token's PKCS#11 library), the token's label and the key
// pair's label (CKA_LABEL of both its objects). The private key never
// leaves the token: it signs with CKM_EDDSA.
type PKCS11Key struct {
	Module   string `json:"module"`
	Token    string `json:"token"`
	KeyLabel string `json:"key_label"`
	// PINFile, if set, holds the token's user PIN (mode 0600, first
	// line); otherwise KeyringOptions.PIN is asked.
	PINFile string `json:"pin_file,omitempty"`
}

// Validate checks that every field is set and the paths are absolute.
func (k PKCS11Key) Validate() error {
	switch {
	case k.Module == "" || !filepath.IsAbs(k.Module):
		return fmt.Errorf("client: pkcs11: the module must be an absolute path, not %q", k.Module)
	case k.Token == "":
		return fmt.Errorf("client: pkcs11: the token label is empty")
	case k.KeyLabel == "":
		return fmt.Errorf("client: pkcs11: the key label is empty")
	case k.PINFile != "" && !filepath.IsAbs(k.PINFile):
		return fmt.Errorf("client: pkcs11: the PIN file must be an absolute path, not %q", k.PINFile)
	}
	return nil
}

// tokenSession is an open, logged-in session on a token, bound to one
// private key (pkcs11_cgo.go).
type tokenSession interface {
	sign(msg []byte) ([]byte, error)
	close() error
}

// TokenSigner signs with an ed25519 key on a PKCS#11 token through one
// logged-in session. It is a Signer, safe for concurrent use; Close ends
// the session.
//
// PKCS#11 logs a user in per token and per process: while a process has
// a session open on a token, another login to it in the same process is
// not checked again.
type TokenSigner struct {
	key PKCS11Key
	pub ed25519.PubKey

	mu   sync.Mutex
	sess tokenSession
}

// OpenPKCS11 opens a session on k's token, logs in with pin and finds the
// key pair labelled k.KeyLabel; with generate, it makes a new one there
// instead (refusing a label already in use), sensitive and not
// extractable. A PIN the token refuses is ErrWrongPIN.
func OpenPKCS11(k PKCS11Key, pin []byte, generate bool) (*TokenSigner, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	sess, pub, err := openToken(k, pin, generate)
	if err != nil {
		return nil, err
	}
	return &TokenSigner{key: k, pub: pub, sess: sess}, nil
}

// PubKey returns the key's public key.
func (t *TokenSigner) PubKey() ed25519.PubKey { return t.pub }

// Key returns where the key is.
func (t *TokenSigner) Key() PKCS11Key { return t.key }

// Sign asks the token for the CKM_EDDSA signature of msg and checks it
// against the public key before returning it.
func (t *TokenSigner) Sign(msg []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sess == nil {
		return nil, fmt.Errorf("client: pkcs11: the session on token %q is closed", t.key.Token)
	}
	sig, err := t.sess.sign(msg)
	if err != nil {
		return nil, fmt.Errorf("client: pkcs11: token %q, key %q: sign: %w", t.key.Token, t.key.KeyLabel, err)
	}
	if !t.pub.VerifySignature(msg, sig) {
		return nil, fmt.Errorf("client: pkcs11: token %q, key %q returned a signature that does not verify", t.key.Token, t.key.KeyLabel)
	}
	return sig, nil
}

// Close ends the session; later calls of Sign fail.
func (t *TokenSigner) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sess == nil {
		return nil
	}
	err := t.sess.close()
	t.sess = nil
	return err
}

// AddPKCS11 records under name the key pair that ref names on its token,
// after logging in to the token (with ref's PIN file or
// KeyringOptions.PIN): with generate, a key pair made there now; without,
// one that exists. The keyring holds only the public key and ref, in
// either backend; the name and the address must both be new.
func (kr *Keyring) AddPKCS11(name string, ref PKCS11Key, generate bool) (KeyInfo, error) {
	if err := ref.Validate(); err != nil {
		return KeyInfo{}, err
	}
	rf, err := kr.load()
	if err != nil {
		return KeyInfo{}, err
	}
	if err := kr.checkNew(rf, name, core.Address{}); err != nil {
		return KeyInfo{}, err
	}
	pin, err := kr.pin(ref)
	if err != nil {
		return KeyInfo{}, err
	}
	ts, err := OpenPKCS11(ref, pin, generate)
	if err != nil {
		return KeyInfo{}, err
	}
	defer ts.Close()
	if err := kr.checkNew(rf, name, core.AddressOf(ts.PubKey())); err != nil {
		return KeyInfo{}, err
	}
	r := ref
	kf := keyFile{Name: name, Address: core.AddressOf(ts.PubKey()), PubKey: core.HexBytes(ts.PubKey()), PKCS11: &r}
	rf.Keys = append(rf.Keys, kf)
	if err := kr.save(rf); err != nil {
		return KeyInfo{}, err
	}
	return kf.info()
}
