package app

import (
	"strings"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
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
	}
	if !ok {
		return nil, core.Wrapf(core.ErrUnknownMsgType, "%q", typ)
	}
	return m, nil
}

// MsgTypes lists every message type the chain accepts, grouped by registry.
func MsgTypes() []string {
	return append(agency.Types(), land.Types()...)
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
