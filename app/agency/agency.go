package agency

import (
	"slices"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's type prefix and query path prefix.
const Name = "agency"

// Message types (frozen).
const (
	TypeGrantRole  = "agency/grant_role"
	TypeRevokeRole = "agency/revoke_role"
)

// Sentinels, with their released result codes (100-199).
var (
	ErrRoleNotGrantable = core.NewCodedError(100, core.ErrUnauthorized, "agency: this agency may not grant that role")
	ErrAlreadyGranted   = core.NewCodedError(101, core.ErrConflict, "agency: account already holds the role")
	ErrNotGranted       = core.NewCodedError(102, core.ErrConflict, "agency: account does not hold the role")
	ErrNotGrantor       = core.NewCodedError(103, core.ErrUnauthorized, "agency: only the agency that granted the role may revoke it")
	ErrUnknownRole      = core.NewCodedError(104, core.ErrInvalid, "agency: unknown role")
	ErrAgencyNotFound   = core.NewCodedError(105, core.ErrNotFound, "agency: agency not found")
	ErrUnknownPath      = core.NewCodedError(106, core.ErrInvalid, "agency: unknown query path")
)

// Errors lists every coded sentinel of this package.
var Errors = []*core.Error{
	ErrRoleNotGrantable, ErrAlreadyGranted, ErrNotGranted, ErrNotGrantor, ErrUnknownRole, ErrAgencyNotFound, ErrUnknownPath,
}

// GrantRole gives an account a role on behalf of the signer's agency.
type GrantRole struct {
	Account core.Address `json:"account"`
	Role    core.Role    `json:"role"`
}

// Type implements core.Msg.
func (m *GrantRole) Type() string { return TypeGrantRole }

// Validate implements core.Msg.
func (m *GrantRole) Validate() error { return validateRoleMsg(m.Account, m.Role) }

// Exec grants the role if the signer is an admin of an agency that the role
// policy allows to grant it.
func (m *GrantRole) Exec(ctx *core.Context) error {
	agencyID, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	pol, err := core.GetRolePolicy(ctx.KV, m.Role)
	if err != nil {
		return err
	}
	if !slices.Contains(pol.Agencies, agencyID) {
		return core.Wrapf(ErrRoleNotGrantable, "agency %s, role %s", agencyID, m.Role)
	}
	if ok, err := core.HasRole(ctx.KV, m.Account, m.Role); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrAlreadyGranted, "%s holds %s", m.Account, m.Role)
	}
	if err := Grant(ctx, m.Account, m.Role, agencyID); err != nil {
		return err
	}
	ctx.Emit(Name, "action", "grant_role", "account", m.Account.String(), "role", string(m.Role), "agency_id", agencyID, "signer", ctx.Signer.String())
	return nil
}

// RevokeRole takes a role away from an account. Only an admin of the
// agency that granted it may revoke it, or, once that agency has been
// removed from the network, an admin of an agency allowed to grant the role.
type RevokeRole struct {
	Account core.Address `json:"account"`
	Role    core.Role    `json:"role"`
	Reason  string       `json:"reason"`
}

// Type implements core.Msg.
func (m *RevokeRole) Type() string { return TypeRevokeRole }

// Validate implements core.Msg.
func (m *RevokeRole) Validate() error {
	if err := validateRoleMsg(m.Account, m.Role); err != nil {
		return err
	}
	if err := core.Printable(m.Reason, 500); err != nil {
		return core.Wrapf(core.ErrInvalid, "agency: reason %v", err)
	}
	return nil
}

// Exec revokes the role; it is effective from the next transaction.
func (m *RevokeRole) Exec(ctx *core.Context) error {
	agencyID, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	var g core.RoleGrant
	found, err := core.GetJSON(ctx.KV, core.RoleGrantKey(m.Account, m.Role), &g)
	if err != nil {
		return err
	}
	if !found {
		return core.Wrapf(ErrNotGranted, "%s does not hold %s", m.Account, m.Role)
	}
	if g.Agency != agencyID {
		// Only the granting agency revokes, unless it has left the network:
		// then an agency the policy allows to grant the role may.
		_, grantorExists, err := core.GetAgency(ctx.KV, g.Agency)
		if err != nil {
			return err
		}
		pol, err := core.GetRolePolicy(ctx.KV, m.Role)
		if err != nil {
			return err
		}
		if grantorExists || !slices.Contains(pol.Agencies, agencyID) {
			return core.Wrapf(ErrNotGrantor, "granted by %s", g.Agency)
		}
	}
	if err := ctx.KV.Delete(core.RoleGrantKey(m.Account, m.Role)); err != nil {
		return err
	}
	if err := appendRoleHistory(ctx, m.Account, func(roles []core.Role) []core.Role {
		return slices.DeleteFunc(roles, func(r core.Role) bool { return r == m.Role })
	}, "revoke_role", map[string]string{"role": string(m.Role), "agency": agencyID, "reason": m.Reason}); err != nil {
		return err
	}
	ctx.Emit(Name, "action", "revoke_role", "account", m.Account.String(), "role", string(m.Role), "agency_id", agencyID, "signer", ctx.Signer.String())
	return nil
}

// Grant writes a role grant and its history entry. It does no
// authorisation: GrantRole.Exec and genesis call it after their checks.
func Grant(ctx *core.Context, account core.Address, role core.Role, agencyID string) error {
	g := core.RoleGrant{Account: account, Role: role, Agency: agencyID, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if err := core.SetJSON(ctx.KV, core.RoleGrantKey(account, role), g); err != nil {
		return err
	}
	return appendRoleHistory(ctx, account, func(roles []core.Role) []core.Role {
		roles = append(roles, role)
		slices.Sort(roles)
		return slices.Compact(roles)
	}, "grant_role", map[string]string{"role": string(role), "agency": agencyID})
}

func appendRoleHistory(ctx *core.Context, account core.Address, update func([]core.Role) []core.Role, action string, details any) error {
	ra := core.RoleAccount{Account: account}
	if _, err := core.GetJSON(ctx.KV, core.RoleAccountKey(account), &ra); err != nil {
		return err
	}
	ra.Roles = update(ra.Roles)
	if ra.Roles == nil {
		ra.Roles = []core.Role{}
	}
	if err := ctx.RecordHistory(core.PrefixRole, core.RoleHistoryTable, account[:], &ra.HistoryCount, action, details); err != nil {
		return err
	}
	return core.SetJSON(ctx.KV, core.RoleAccountKey(account), ra)
}

func validateRoleMsg(account core.Address, role core.Role) error {
	if account.IsZero() {
		return core.Wrapf(core.ErrInvalid, "agency: account is required")
	}
	if !core.ValidRole(role) {
		return core.Wrapf(ErrUnknownRole, "%q", string(role))
	}
	return nil
}
