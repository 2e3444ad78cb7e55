package app

import (
	"strings"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/benefits"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/app/spending"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// Modules is the ordered list of the chain's modules: the one place that
// says which registries and services exist. The message router, the list
// of message types, the query dispatch, genesis (sections initialised in
// this order) and abci's result-code table are derived from it. The order
// is part of consensus (genesis writes in it): append, never reorder.
var Modules = []*core.Module{
	agency.Module,
	land.Module,
	vehicle.Module,
	identity.Module,
	invoice.Module,
	notary.Module,
	gov.Module,
	sharing.Module,
	auction.Module,
	spending.Module,
	migration.Module,
	benefits.Module,
}

// msgTypes maps every message type string to its constructor.
var msgTypes = func() map[string]func() core.Msg {
	out := map[string]func() core.Msg{}
	for _, m := range Modules {
		for _, t := range m.Msgs {
			out[t.Type] = t.New
		}
	}
	return out
}()

// msgHooks maps a message type to the hooks that follow it (core.Hook),
// in module order and each module's list order.
var msgHooks = func() map[string][]core.Hook {
	out := map[string][]core.Hook{}
	for _, m := range Modules {
		for _, h := range m.Hooks {
			out[h.After] = append(out[h.After], h)
		}
	}
	return out
}()

// modulesByName maps a module name to its module.
var modulesByName = func() map[string]*core.Module {
	out := map[string]*core.Module{}
	for _, m := range Modules {
		out[m.Name] = m
	}
	return out
}()

// NewMsg returns a zero message for a frozen type string, or an error of
// kind core.ErrUnknownMsgType.
func NewMsg(typ string) (core.Msg, error) {
	if newMsg, ok := msgTypes[typ]; ok {
		return newMsg(), nil
	}
	return nil, core.Wrapf(core.ErrUnknownMsgType, "%q", typ)
}

// MsgTypes lists every message type the chain accepts, grouped by module
// in module order, each module's sorted.
func MsgTypes() []string {
	var out []string
	for _, m := range Modules {
		out = append(out, m.Types()...)
	}
	return out
}

// ErrUnknownQueryPath is returned for a query path no module serves.
var ErrUnknownQueryPath = core.NewCodedError(20, core.ErrInvalid, "query: unknown path")

// route sends a query path ("/land/parcel/P-1") to its module, or to one
// of the app's own paths, and answers it.
func route(r state.Reader, path string) (*core.QueryResult, error) {
	resolve, parts, err := resolverOf(path)
	if err != nil {
		return nil, err
	}
	key, answer, err := resolve(parts)
	if err != nil {
		return nil, err
	}
	return answer(r, key)
}

// resolverOf splits a query path on "/" (leading and trailing slashes
// ignored; an empty segment refused) and returns the resolver of its first
// segment (one of the app's own paths, or a module's) with the rest of the
// path. route and PathKey both dispatch through it.
func resolverOf(path string) (core.Resolver, []string, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range parts {
		if p == "" {
			return nil, nil, core.Wrapf(ErrUnknownQueryPath, "%q has an empty segment", path)
		}
	}
	var resolve core.Resolver
	switch parts[0] {
	case "store":
		resolve = resolveStore
	case "account":
		resolve = resolveAccount
	case "key":
		resolve = resolveKey
	case "chain":
		resolve = resolveChain
	default:
		m, ok := modulesByName[parts[0]]
		if !ok {
			return nil, nil, core.Wrapf(ErrUnknownQueryPath, "%q", path)
		}
		resolve = m.Resolve
	}
	return resolve, parts[1:], nil
}
