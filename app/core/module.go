package core

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/govchain/govchain/state"
)

// Module is everything the app needs of one registry or service. Each
// module package exposes exactly one such value, built from its own
// constants and functions; the app keeps one ordered list of them
// (app.Modules), from which the message router, the list of message
// types, the query dispatch, genesis and abci's result-code table are
// derived. Nothing registers itself: a module that is not in the list does
// not exist for the chain. app/doc.go gives the recipe for adding one.
//
// Name, Prefix and Codes are frozen once released: a retired module keeps
// its name, its key prefix and its code range forever, and
// app/testdata/modules.txt records them (a test compares it).
type Module struct {
	// Name is the module's type prefix ("land" in "land/register_parcel")
	// and the first segment of its query paths ("/land/parcel/P-1").
	Name string
	// Prefix is the first byte of every store key the module owns (its
	// keys.go builds them with state.Key(Prefix, table, ...)). Modules may
	// also write the core tables (accounts, agencies, roles) through
	// core's functions.
	Prefix byte
	// Codes is the first of the 100 result codes reserved for the module:
	// each of its sentinels carries a code in [Codes, Codes+100).
	Codes uint32
	// Msgs lists the module's message types, sorted by type string.
	Msgs []MsgType
	// Resolve parses the module's query paths (split on "/", without the
	// module name); Query and PathKey are derived from it, so the key a
	// node answers with and the key a client checks cannot differ.
	Resolve Resolver
	// Genesis is the module's section of the genesis app_state, or nil if
	// it has none.
	Genesis *GenesisSection
	// Errors lists every sentinel of the module that has its own result
	// code (NewCodedError), each code in the module's range.
	Errors []*Error
	// Hooks is the work the module does in the transaction of another
	// module's message, right after it succeeds (see Hook); nil for none.
	Hooks []Hook
	// Step is the module's work in every block after its transactions
	// (see Step); nil for none.
	Step Step
}

// Hook is work a module does after a message has succeeded, in the same
// transaction and on the same branch, so that a module reacts to another
// module's records atomically without that module knowing of it (identity
// records a birth; benefits opens the parents' entitlements in the same
// transaction). The app runs the hooks listed for a message's type right
// after its Exec returns nil, in module order and in each module's list
// order, in CheckTx and FinalizeBlock alike. A hook's error refuses the
// transaction exactly as the message's own refusal would: every write of
// Exec and of the hooks is discarded.
//
// Contract: Run is deterministic, checks nothing about the signer (the
// message already did), writes only through ctx.KV and emits its events
// with ctx.Emit, and writes nothing when its module has nothing to do, so
// that a hook never changes the state of a chain that does not use its
// module.
type Hook struct {
	// After is the type string of the message the hook follows.
	After string
	// Run does the work; m is the message that succeeded, of type After.
	Run func(ctx *Context, m Msg) error
}

// Step is a module's work in every block: FinalizeBlock runs the steps of
// the modules in module order after the block's transactions, on the
// block's state itself (no branch), with a Context holding the block's
// height and time, a zero Signer and no TxHash. Its events are the block's
// own events.
//
// Contract: a step is deterministic, does a bounded amount of work per
// block (what is left waits for the next block), and writes nothing when
// nothing is due, so that a chain that does not use its module keeps the
// same state. It never refuses: an error means the state cannot be read or
// is corrupt, and the node stops.
type Step func(ctx *Context) error

// MsgType is one message type of a module: its frozen type string and a
// constructor of a zero message, which decoding fills.
type MsgType struct {
	Type string
	New  func() Msg
}

// MsgOf returns the MsgType of message T, whose pointer implements Msg.
// The type string is T's own (Type), so a module's table cannot disagree
// with its messages.
func MsgOf[T any, P interface {
	*T
	Msg
}]() MsgType {
	return MsgType{Type: P(new(T)).Type(), New: func() Msg { return P(new(T)) }}
}

// NewMsg returns a zero message of type typ if the module has it.
func (m *Module) NewMsg(typ string) (Msg, bool) {
	for _, t := range m.Msgs {
		if t.Type == typ {
			return t.New(), true
		}
	}
	return nil, false
}

// Types returns the module's message type strings, sorted.
func (m *Module) Types() []string {
	out := make([]string, len(m.Msgs))
	for i, t := range m.Msgs {
		out[i] = t.Type
	}
	return out
}

// Resolver parses a module's query path (split on "/", without the module
// name) into the store key its answer rests on (the record, or the anchor
// of a list, which is also the key whose absence a not-found answer
// proves) and the function that answers it from that key, without reading
// the state. A malformed or unknown path is the error the query is
// refused with.
type Resolver func(path []string) (key []byte, answer Answer, err error)

// Answer answers a resolved query path from the key it rests on.
type Answer func(r state.Reader, key []byte) (*QueryResult, error)

// Query answers one of the module's query paths (without the module name)
// from a committed view: Resolve, then the answer it names. Values are the
// exact stored bytes; a missing record is a *NotFound.
func (m *Module) Query(r state.Reader, path []string) (*QueryResult, error) {
	key, answer, err := m.Resolve(path)
	if err != nil {
		return nil, err
	}
	return answer(r, key)
}

// PathKey returns the store key the answer to a query path (without the
// module name) rests on, reading nothing; ok is false for a path Query
// refuses as malformed or unknown.
func (m *Module) PathKey(path []string) (key []byte, ok bool) {
	key, _, err := m.Resolve(path)
	return key, err == nil
}

// CheckModules checks the contract of an ordered list of modules: names,
// prefixes and code ranges unique and well formed, message types sorted,
// unique and prefixed by their module's name, each sentinel's code in its
// module's range and used once, and a query resolver present. The
// app runs it over its list in a test; it returns the first violation.
// reservedPrefixes are the key prefixes core owns.
func CheckModules(mods []*Module, reservedPrefixes []byte) error {
	names := map[string]bool{}
	prefixes := map[byte]string{}
	for _, p := range reservedPrefixes {
		prefixes[p] = "core"
	}
	ranges := map[uint32]string{}
	codes := map[uint32]*Error{}
	types := map[string]map[string]bool{}
	for _, m := range mods {
		types[m.Name] = map[string]bool{}
		for _, t := range m.Msgs {
			types[m.Name][t.Type] = true
		}
	}
	for _, m := range mods {
		switch {
		case !validModuleName(m.Name):
			return fmt.Errorf("core: module name %q must be 1-32 lower-case letters", m.Name)
		case names[m.Name]:
			return fmt.Errorf("core: module %s is listed twice", m.Name)
		case prefixes[m.Prefix] != "":
			return fmt.Errorf("core: module %s uses key prefix 0x%02x of %s", m.Name, m.Prefix, prefixes[m.Prefix])
		case m.Codes == 0 || m.Codes%100 != 0:
			return fmt.Errorf("core: module %s: code range must start at a positive multiple of 100, got %d", m.Name, m.Codes)
		case ranges[m.Codes] != "":
			return fmt.Errorf("core: module %s uses code range %d of %s", m.Name, m.Codes, ranges[m.Codes])
		case m.Resolve == nil:
			return fmt.Errorf("core: module %s has no query resolver", m.Name)
		}
		names[m.Name] = true
		prefixes[m.Prefix] = m.Name
		ranges[m.Codes] = m.Name
		if !slices.IsSortedFunc(m.Msgs, func(a, b MsgType) int { return cmpString(a.Type, b.Type) }) {
			return fmt.Errorf("core: module %s: message types are not sorted", m.Name)
		}
		for i, t := range m.Msgs {
			if i > 0 && m.Msgs[i-1].Type == t.Type {
				return fmt.Errorf("core: module %s lists %s twice", m.Name, t.Type)
			}
			if len(t.Type) <= len(m.Name)+1 || t.Type[:len(m.Name)+1] != m.Name+"/" {
				return fmt.Errorf("core: module %s: type %q is not under %s/", m.Name, t.Type, m.Name)
			}
			if got := t.New().Type(); got != t.Type {
				return fmt.Errorf("core: module %s: constructor of %s makes a %s", m.Name, t.Type, got)
			}
		}
		for _, e := range m.Errors {
			c := e.Code()
			if c < m.Codes || c >= m.Codes+100 {
				return fmt.Errorf("core: module %s: sentinel %q has code %d outside %d-%d", m.Name, e, c, m.Codes, m.Codes+99)
			}
			if prev, dup := codes[c]; dup {
				return fmt.Errorf("core: code %d is given to both %q and %q", c, prev, e)
			}
			codes[c] = e
		}
		for _, h := range m.Hooks {
			if err := checkHook(m.Name, h, types); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkHook checks one hook of module name: a Run, and an After naming a
// message type "module/verb"; if that module is in the list, one of its
// types.
func checkHook(name string, h Hook, types map[string]map[string]bool) error {
	if h.Run == nil {
		return fmt.Errorf("core: module %s: hook after %q has no Run", name, h.After)
	}
	mod, _, ok := strings.Cut(h.After, "/")
	if !ok || !validModuleName(mod) {
		return fmt.Errorf("core: module %s: hook after %q names no message type", name, h.After)
	}
	if known, listed := types[mod]; listed && !known[h.After] {
		return fmt.Errorf("core: module %s: hook after %q: module %s has no such message type", name, h.After, mod)
	}
	return nil
}

func validModuleName(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// GenesisSection is a module's part of the genesis app_state: one JSON
// object under the module's name. Build it with GenesisOf.
type GenesisSection struct {
	// Default returns the section a new genesis carries.
	Default func() any
	// Check decodes raw strictly (unknown fields refused; nil raw means
	// app_state has no section for the module), fills in defaults and
	// validates; it returns the value Init takes.
	Check func(raw json.RawMessage) (any, error)
	// Init writes the module's initial state from Check's value. It is
	// deterministic and runs once, at InitChain.
	Init func(kv state.KV, section any) error
}

// GenesisOf returns the genesis section of a module whose section decodes
// into P. An absent section, or one equal to P's zero value, stands for
// def(); the result is checked with validate and written by init.
func GenesisOf[P comparable](def func() P, validate func(P) error, init func(state.KV, P) error) *GenesisSection {
	return GenesisOfFunc(def, func(p P) bool { var zero P; return p == zero }, validate, init)
}

// GenesisOfFunc is GenesisOf for a section type that is not comparable (one
// holding a list): isZero says which decoded sections stand for def().
func GenesisOfFunc[P any](def func() P, isZero func(P) bool, validate func(P) error, init func(state.KV, P) error) *GenesisSection {
	return &GenesisSection{
		Default: func() any { return def() },
		Check: func(raw json.RawMessage) (any, error) {
			var p P
			if raw != nil {
				if err := StrictUnmarshal(raw, &p); err != nil {
					return nil, err
				}
			}
			if isZero(p) {
				p = def()
			}
			if err := validate(p); err != nil {
				return nil, err
			}
			return p, nil
		},
		Init: func(kv state.KV, section any) error {
			p, ok := section.(P)
			if !ok {
				return fmt.Errorf("core: genesis section is a %T, not a %T", section, p)
			}
			return init(kv, p)
		},
	}
}
