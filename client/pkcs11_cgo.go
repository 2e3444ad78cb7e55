//go:build cgo

package client

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/miekg/pkcs11"
)

// PKCS#11 v3.0 names that github.com/miekg/pkcs11 v1.1.2 does not define.
const (
	ckmECEdwardsKeyPairGen = 0x1055 // CKM_EC_EDWARDS_KEY_PAIR_GEN
	ckmEdDSA               = 0x1057 // CKM_EDDSA
	ckkECEdwards           = 0x40   // CKK_EC_EDWARDS
)

// ed25519Params is CKA_EC_PARAMS of an Ed25519 key: the DER encoding of
// the object identifier id-Ed25519 (1.3.101.112, RFC 8410).
var ed25519Params = []byte{0x06, 0x03, 0x2b, 0x65, 0x70}

// modules holds each loaded PKCS#11 module once per process: C_Initialize
// may run once per module until C_Finalize, so sessions share it, and
// the last one closed finalizes and unloads it.
var modules = struct {
	sync.Mutex
	m map[string]*module
}{m: map[string]*module{}}

type module struct {
	ctx  *pkcs11.Ctx
	refs int
}

func loadModule(path string) (*pkcs11.Ctx, error) {
	modules.Lock()
	defer modules.Unlock()
	if m, ok := modules.m[path]; ok {
		m.refs++
		return m.ctx, nil
	}
	ctx := pkcs11.New(path)
	if ctx == nil {
		return nil, fmt.Errorf("client: pkcs11: cannot load the module %s", path)
	}
	if err := ctx.Initialize(); err != nil && !isCKR(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("client: pkcs11: initialize %s: %w", path, err)
	}
	modules.m[path] = &module{ctx: ctx, refs: 1}
	return ctx, nil
}

func unloadModule(path string) error {
	modules.Lock()
	defer modules.Unlock()
	m, ok := modules.m[path]
	if !ok {
		return nil
	}
	if m.refs--; m.refs > 0 {
		return nil
	}
	delete(modules.m, path)
	err := m.ctx.Finalize()
	m.ctx.Destroy()
	return err
}

func isCKR(err error, code uint) bool {
	var e pkcs11.Error
	return errors.As(err, &e) && uint(e) == code
}

// session is a tokenSession over github.com/miekg/pkcs11.
type session struct {
	module string
	ctx    *pkcs11.Ctx
	sh     pkcs11.SessionHandle
	priv   pkcs11.ObjectHandle
}

func openToken(k PKCS11Key, pin []byte, generate bool) (ts tokenSession, pub ed25519.PubKey, err error) {
	ctx, err := loadModule(k.Module)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			_ = unloadModule(k.Module)
		}
	}()
	slot, err := findToken(ctx, k.Token)
	if err != nil {
		return nil, nil, err
	}
	sh, err := ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return nil, nil, fmt.Errorf("client: pkcs11: open a session on token %q: %w", k.Token, err)
	}
	defer func() {
		if err != nil {
			_ = ctx.CloseSession(sh)
		}
	}()
	if err := ctx.Login(sh, pkcs11.CKU_USER, string(pin)); err != nil && !isCKR(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN) {
		if isCKR(err, pkcs11.CKR_PIN_INCORRECT) {
			return nil, nil, fmt.Errorf("%w: token %q (%s)", ErrWrongPIN, k.Token, k.Module)
		}
		return nil, nil, fmt.Errorf("client: pkcs11: log in to token %q: %w", k.Token, err)
	}
	s := &session{module: k.Module, ctx: ctx, sh: sh}
	privs, err := s.find(pkcs11.CKO_PRIVATE_KEY, k.KeyLabel)
	if err != nil {
		return nil, nil, err
	}
	var pubObj pkcs11.ObjectHandle
	switch {
	case generate && len(privs) > 0:
		return nil, nil, fmt.Errorf("client: pkcs11: token %q already has a key labelled %q; add it without generating", k.Token, k.KeyLabel)
	case generate:
		if pubObj, s.priv, err = s.generate(k.KeyLabel); err != nil {
			return nil, nil, fmt.Errorf("client: pkcs11: generate an ed25519 key on token %q: %w", k.Token, err)
		}
	case len(privs) != 1:
		return nil, nil, fmt.Errorf("client: pkcs11: token %q has %d private keys labelled %q, want 1", k.Token, len(privs), k.KeyLabel)
	default:
		s.priv = privs[0]
		pubs, err := s.find(pkcs11.CKO_PUBLIC_KEY, k.KeyLabel)
		if err != nil {
			return nil, nil, err
		}
		if len(pubs) != 1 {
			return nil, nil, fmt.Errorf("client: pkcs11: token %q has %d public keys labelled %q, want 1", k.Token, len(pubs), k.KeyLabel)
		}
		pubObj = pubs[0]
	}
	if pub, err = s.publicKey(pubObj); err != nil {
		return nil, nil, fmt.Errorf("client: pkcs11: token %q, key %q: %w", k.Token, k.KeyLabel, err)
	}
	return s, pub, nil
}

// findToken returns the slot of the token labelled label.
func findToken(ctx *pkcs11.Ctx, label string) (uint, error) {
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return 0, fmt.Errorf("client: pkcs11: list slots: %w", err)
	}
	var labels []string
	for _, slot := range slots {
		ti, err := ctx.GetTokenInfo(slot)
		if err != nil {
			continue
		}
		if ti.Label == label {
			return slot, nil
		}
		labels = append(labels, fmt.Sprintf("%q", ti.Label))
	}
	return 0, fmt.Errorf("client: pkcs11: no token labelled %q (tokens present: %v)", label, labels)
}

func (s *session) find(class uint, label string) ([]pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, class),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, ckkECEdwards),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	if err := s.ctx.FindObjectsInit(s.sh, tmpl); err != nil {
		return nil, fmt.Errorf("client: pkcs11: find %q: %w", label, err)
	}
	objs, _, err := s.ctx.FindObjects(s.sh, 4)
	if ferr := s.ctx.FindObjectsFinal(s.sh); err == nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("client: pkcs11: find %q: %w", label, err)
	}
	return objs, nil
}

// generate makes a token-resident ed25519 key pair labelled label: the
// private key sensitive, not extractable, for signing only.
func (s *session) generate(label string) (pkcs11.ObjectHandle, pkcs11.ObjectHandle, error) {
	pubT := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, ckkECEdwards),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, ed25519Params),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	privT := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, ckkECEdwards),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	return s.ctx.GenerateKeyPair(s.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(ckmECEdwardsKeyPairGen, nil)}, pubT, privT)
}

// publicKey reads an Ed25519 public key object's CKA_EC_POINT: the 32
// bytes, raw or as a DER OCTET STRING (tokens do either).
func (s *session) publicKey(obj pkcs11.ObjectHandle) (ed25519.PubKey, error) {
	attrs, err := s.ctx.GetAttributeValue(s.sh, obj, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
	if err != nil {
		return nil, fmt.Errorf("read the public key: %w", err)
	}
	p := attrs[0].Value
	if len(p) == ed25519.PubKeySize+2 && p[0] == 0x04 && p[1] == ed25519.PubKeySize {
		p = p[2:]
	}
	if len(p) != ed25519.PubKeySize {
		return nil, fmt.Errorf("the public key (CKA_EC_POINT %X) is not an ed25519 key", attrs[0].Value)
	}
	return ed25519.PubKey(bytes.Clone(p)), nil
}

func (s *session) sign(msg []byte) ([]byte, error) {
	if err := s.ctx.SignInit(s.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(ckmEdDSA, nil)}, s.priv); err != nil {
		return nil, err
	}
	return s.ctx.Sign(s.sh, msg)
}

func (s *session) close() error {
	err := s.ctx.CloseSession(s.sh)
	return errors.Join(err, unloadModule(s.module))
}
