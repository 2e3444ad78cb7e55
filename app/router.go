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
var ErrUnknownQueryPath = core.NewError(core.ErrInvalid, "query: unknown path")

// route sends a query path ("/land/parcel/P-1") to its registry.
func route(r state.Reader, path string) (*core.QueryResult, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range parts {
		if p == "" {
			return nil, core.Wrapf(ErrUnknownQueryPath, "%q has an empty segment", path)
		}
	}
	switch parts[0] {
	case agency.Name:
		return agency.Query(r, parts[1:])
	case land.Name:
		return land.Query(r, parts[1:])
	case vehicle.Name:
		return vehicle.Query(r, parts[1:])
	case identity.Name:
		return identity.Query(r, parts[1:])
	case invoice.Name:
		return invoice.Query(r, parts[1:])
	case notary.Name:
		return notary.Query(r, parts[1:])
	case gov.Name:
		return gov.Query(r, parts[1:])
	case "store":
		return queryStoreKey(r, parts[1:])
	case "account":
		return queryAccount(r, parts[1:])
	case "chain":
		if len(parts) == 2 && parts[1] == "info" {
			return queryChainInfo(r)
		}
	}
	return nil, core.Wrapf(ErrUnknownQueryPath, "%q", path)
}
