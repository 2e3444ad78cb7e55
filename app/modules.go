package app

import (
	"strings"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
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

// route sends a query path ("/land/parcel/P-1") to its module.
func route(r state.Reader, path string) (*core.QueryResult, error) {
	parts, err := splitQueryPath(path)
	if err != nil {
		return nil, err
	}
	h, ok := queryHandlerOf(parts[0])
	if !ok {
		return nil, core.Wrapf(ErrUnknownQueryPath, "%q", path)
	}
	return h.query(r, parts[1:])
}

// splitQueryPath splits a query path on "/" (leading and trailing slashes
// ignored) and refuses an empty segment.
func splitQueryPath(path string) ([]string, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range parts {
		if p == "" {
			return nil, core.Wrapf(ErrUnknownQueryPath, "%q has an empty segment", path)
		}
	}
	return parts, nil
}

// queryHandler serves the query paths under one first segment: query
// answers them, and pathKey names the key each answer rests on without
// reading the store (see PathKey). Both take the path without its first
// segment.
type queryHandler struct {
	query   core.Querier
	pathKey func(path []string) ([]byte, bool)
}

// queryHandlerOf returns the handler of a query path's first segment: one
// of the app's own paths (store, account, key, chain), or a module's.
// route and PathKey both dispatch through it.
func queryHandlerOf(name string) (queryHandler, bool) {
	switch name {
	case "store":
		return queryHandler{queryStoreKey, pathKeyOf(storeKeyOf)}, true
	case "account":
		return queryHandler{queryAccount, pathKeyOf(accountKeyOf)}, true
	case "key":
		return queryHandler{queryKey, pathKeyOf(keyIndexKeyOf)}, true
	case "chain":
		return queryHandler{queryChain, pathKeyOf(chainKeyOf)}, true
	}
	if m, ok := modulesByName[name]; ok {
		return queryHandler{m.Query, m.PathKey}, true
	}
	return queryHandler{}, false
}
