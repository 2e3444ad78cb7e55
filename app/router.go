package app

import (
	"slices"
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

// NewMsg returns a zero message for a frozen type string, or an error of
// kind core.ErrUnknownMsgType. The switch is the whole routing table:
// adding a registry adds a case here.
func NewMsg(typ string) (core.Msg, error) {
	registry, _, _ := strings.Cut(typ, "/")
	var (
		m  core.Msg
		ok bool
	)
	switch registry {
	case agency.Name:
		m, ok = agency.NewMsg(typ)
	case land.Name:
		m, ok = land.NewMsg(typ)
	case vehicle.Name:
		m, ok = vehicle.NewMsg(typ)
	case identity.Name:
		m, ok = identity.NewMsg(typ)
	case invoice.Name:
		m, ok = invoice.NewMsg(typ)
	case notary.Name:
		m, ok = notary.NewMsg(typ)
	case gov.Name:
		m, ok = gov.NewMsg(typ)
	}
	if !ok {
		return nil, core.Wrapf(core.ErrUnknownMsgType, "%q", typ)
	}
	return m, nil
}

// MsgTypes lists every message type the chain accepts, grouped by registry.
func MsgTypes() []string {
	return slices.Concat(agency.Types(), land.Types(), vehicle.Types(), identity.Types(), invoice.Types(), notary.Types(), gov.Types())
}

// ErrUnknownQueryPath is returned for a query path no registry serves.
var ErrUnknownQueryPath = core.NewCodedError(20, core.ErrInvalid, "query: unknown path")

// route sends a query path ("/land/parcel/P-1") to its registry.
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

// queryHandlerOf returns the handler of a query path's first segment. The
// switch is the whole query routing table, shared by route and PathKey:
// adding a registry adds a case here.
func queryHandlerOf(name string) (queryHandler, bool) {
	switch name {
	case agency.Name:
		return queryHandler{agency.Query, agency.PathKey}, true
	case land.Name:
		return queryHandler{land.Query, land.PathKey}, true
	case vehicle.Name:
		return queryHandler{vehicle.Query, vehicle.PathKey}, true
	case identity.Name:
		return queryHandler{identity.Query, identity.PathKey}, true
	case invoice.Name:
		return queryHandler{invoice.Query, invoice.PathKey}, true
	case notary.Name:
		return queryHandler{notary.Query, notary.PathKey}, true
	case gov.Name:
		return queryHandler{gov.Query, gov.PathKey}, true
	case "store":
		return queryHandler{queryStoreKey, pathKeyOf(storeKeyOf)}, true
	case "account":
		return queryHandler{queryAccount, pathKeyOf(accountKeyOf)}, true
	case "key":
		return queryHandler{queryKey, pathKeyOf(keyIndexKeyOf)}, true
	case "chain":
		return queryHandler{queryChain, pathKeyOf(chainKeyOf)}, true
	}
	return queryHandler{}, false
}
