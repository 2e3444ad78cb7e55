package sharing

import (
	"errors"

	"github.com/govchain/govchain/app/core"
)

// consentDetails is the history detail of a consent change.
type consentDetails struct {
	Status string `json:"status"`
}

// Exec implements core.Msg: the signer's account must be linked to a
// person; the agency must be a member and the purpose must exist (a
// retired purpose too: grants naming it still work); the consent must not
// be given already.
func (m GiveConsent) Exec(ctx *core.Context) error {
	return setConsent(ctx, m.Agency, m.Purpose, ConsentGiven)
}

// Exec implements core.Msg: the signer's account must be linked to a
// person who gave the consent, which must not be withdrawn already.
func (m WithdrawConsent) Exec(ctx *core.Context) error {
	return setConsent(ctx, m.Agency, m.Purpose, ConsentWithdrawn)
}

// setConsent gives or withdraws (status) the signer's person's consent.
func setConsent(ctx *core.Context, agency, purpose, status string) error {
	subject, err := subjectOf(ctx)
	if err != nil {
		return err
	}
	c, err := getConsent(ctx.KV, subject, agency, purpose)
	switch {
	case errors.Is(err, ErrConsentNotFound) && status == ConsentGiven:
		if err := requireAgency(ctx.KV, agency); err != nil {
			return err
		}
		if _, err := getPurpose(ctx.KV, purpose); err != nil {
			return err
		}
		c = &Consent{Subject: subject, Agency: agency, Purpose: purpose}
	case err != nil:
		return err
	case c.Status == status && status == ConsentGiven:
		return core.Wrapf(ErrConsentGiven, "%s to %s for %s", subject, agency, purpose)
	case c.Status == status:
		return core.Wrapf(ErrConsentWithdrawn, "%s to %s for %s", subject, agency, purpose)
	}
	action := "give_consent"
	if status == ConsentWithdrawn {
		action = "withdraw_consent"
	}
	c.Status, c.By, c.Height, c.Time = status, ctx.Signer, ctx.Height, ctx.BlockTime.UTC()
	if err := ctx.RecordHistory(Prefix, tableConsentHistory, recordID(subject, agency, purpose), &c.HistoryCount,
		action, consentDetails{Status: status}); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, ConsentKey(subject, agency, purpose), c); err != nil {
		return err
	}
	emit(ctx, action, "subject", subject, "agency", agency, "purpose", purpose)
	return nil
}
