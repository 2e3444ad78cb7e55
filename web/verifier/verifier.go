package verifier

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/verify"
)

// Keys binds a certificate's keys to its path with the app's own key
// layouts, as `govchain certificate verify` does.
var Keys = verify.Keys{Path: app.PathKey, Entry: app.EntryKey, Count: app.EntryCount}

// Agency names the validator whose ed25519 key is PubKey: the agency
// record's id, name, validator key and administrators, as /agency/list
// lists them.
type Agency struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	PubKey core.HexBytes `json:"pub_key"`
	Admins []string      `json:"admins,omitempty"`
}

// Entry is one proven (or, in a report that is not verified, claimed)
// key and its stored JSON value.
type Entry struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Signer is a validator whose signature for header H+1 is in its commit.
type Signer struct {
	// Address is the validator's address (upper-case hex, as CometBFT
	// prints it).
	Address string `json:"address"`
	Power   int64  `json:"power"`
	// Agency and Name are the agency whose validator key this is, empty
	// if the caller's map does not know the key.
	Agency string `json:"agency,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Report is the outcome of Check, encoded as JSON for the page.
type Report struct {
	Verified bool `json:"verified"`
	// Error is the verify package's reason when Verified is false.
	Error string `json:"error,omitempty"`

	// What the certificate proves (or, unverified, claims).
	Kind         verify.Kind `json:"kind,omitempty"`
	ChainID      string      `json:"chain_id,omitempty"`
	Path         string      `json:"path,omitempty"`
	Height       int64       `json:"height,omitempty"`
	HeaderHeight int64       `json:"header_height,omitempty"`
	// Time is header H+1's time, RFC 3339 in UTC.
	Time    string  `json:"time,omitempty"`
	AppHash string  `json:"app_hash,omitempty"`
	Key     string  `json:"key,omitempty"`
	Entries []Entry `json:"entries"`
	// Complete is true for a verified complete certificate: Count entries
	// follow the anchor and entry Count (key Absent) is proven absent
	// (Count is 0, and always encoded, for an empty list and for every
	// other kind).
	Complete bool   `json:"complete,omitempty"`
	Count    uint64 `json:"count"`
	Absent   string `json:"absent,omitempty"`

	// Who signed header H+1, in the set's order, and the power: set only
	// when Verified.
	Signers     []Signer `json:"signers,omitempty"`
	SignedPower int64    `json:"signed_power,omitempty"`
	TotalPower  int64    `json:"total_power,omitempty"`
	Validators  int      `json:"validators,omitempty"`

	// Agencies is, for a verified certificate of /agency/list, the
	// agencies it proves, each bound to the key /agency/id/{id} names:
	// the map a page passes to later checks to name the signers.
	Agencies []Agency `json:"agencies,omitempty"`
}

// Check verifies the certificate file cert against the trust root trust
// (a genesis.json or a verify.TrustFile) and names the signers of header
// H+1 with agencies (which may be empty). It never panics.
func Check(cert, trust []byte, agencies []Agency) (rep Report) {
	rep.Entries = []Entry{}
	defer func() {
		if r := recover(); r != nil {
			rep = Report{Entries: []Entry{}, Error: fmt.Sprintf("verifier: internal error: %v", r)}
		}
	}()
	tr, err := verify.ParseTrust(trust)
	if err != nil {
		rep.Error = "trust root: " + err.Error()
		return rep
	}
	c, err := verify.Decode(cert)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	claimed(&rep, c)
	res, err := verify.Verify(c, tr, Keys)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	rep = Report{
		Verified:     true,
		Kind:         res.Kind,
		ChainID:      res.ChainID,
		Path:         res.Path,
		Height:       res.Height,
		HeaderHeight: res.HeaderHeight,
		Time:         res.Time.UTC().Format(time.RFC3339Nano),
		AppHash:      fmt.Sprintf("%X", res.AppHash),
		Key:          hex.EncodeToString(res.Key),
		Entries:      make([]Entry, 0, len(res.Entries)),
	}
	for _, e := range res.Entries {
		rep.Entries = append(rep.Entries, Entry{Key: hex.EncodeToString(e.Key), Value: json.RawMessage(e.Value)})
	}
	if res.Kind == verify.KindComplete {
		rep.Complete, rep.Count, rep.Absent = true, res.Count, hex.EncodeToString(res.Absent)
	}
	if err := signers(&rep, c, agencies); err != nil {
		// Verify decoded the same header and validators: this cannot
		// fail for a certificate it accepted.
		return Report{Entries: []Entry{}, Error: err.Error()}
	}
	if res.Path == AgencyListPath {
		list, err := agenciesOf(res.Entries)
		if err != nil {
			return Report{Entries: []Entry{}, Error: err.Error()}
		}
		rep.Agencies = list
	}
	return rep
}

// AgencyListPath is the query path of the agency set and every agency.
const AgencyListPath = "/agency/list"

// agenciesOf returns the agencies of the verified entries of
// /agency/list: the anchor names the agency ids, and each entry after it
// must be the record /agency/id/{id} names, one per id, none other.
func agenciesOf(entries []verify.ProvenEntry) ([]Agency, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("verifier: %s has no anchor", AgencyListPath)
	}
	var set struct {
		AgencyIDs []string `json:"agency_ids"`
	}
	if err := json.Unmarshal(entries[0].Value, &set); err != nil {
		return nil, fmt.Errorf("verifier: %s: the agency set does not decode: %w", AgencyListPath, err)
	}
	want := make(map[string]string, len(set.AgencyIDs))
	for _, id := range set.AgencyIDs {
		k, ok := app.PathKey("/agency/id/" + id)
		if !ok {
			return nil, fmt.Errorf("verifier: %s: agency id %q names no record", AgencyListPath, id)
		}
		want[string(k)] = id
	}
	if len(want) != len(entries)-1 {
		return nil, fmt.Errorf("verifier: %s: the set names %d agencies, the certificate carries %d", AgencyListPath, len(want), len(entries)-1)
	}
	out := make([]Agency, 0, len(entries)-1)
	for _, e := range entries[1:] {
		id, ok := want[string(e.Key)]
		if !ok {
			return nil, fmt.Errorf("verifier: %s: entry %x is not the record of an agency of the set", AgencyListPath, e.Key)
		}
		delete(want, string(e.Key))
		var rec struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			Validator struct {
				PubKey core.HexBytes `json:"pub_key"`
			} `json:"validator"`
			Admins []string `json:"admins"`
		}
		if err := json.Unmarshal(e.Value, &rec); err != nil || rec.ID != id {
			return nil, fmt.Errorf("verifier: %s: the record of agency %q does not decode as that agency", AgencyListPath, id)
		}
		out = append(out, Agency{ID: rec.ID, Name: rec.Name, PubKey: rec.Validator.PubKey, Admins: rec.Admins})
	}
	return out, nil
}

// PathKey returns the store key a query path names (app.PathKey) in hex,
// or "" for a path the registries do not answer: what a page compares
// the keys of a list's entries with.
func PathKey(path string) string {
	k, ok := app.PathKey(path)
	if !ok {
		return ""
	}
	return hex.EncodeToString(k)
}

// claimed fills rep with what c claims, before it is verified.
func claimed(rep *Report, c *verify.Certificate) {
	rep.Kind, rep.ChainID, rep.Path, rep.Height = c.Kind, c.ChainID, c.Path, c.Height
	rep.HeaderHeight = c.Block.Height
	rep.Time = c.Block.Time.UTC().Format(time.RFC3339Nano)
	rep.AppHash = c.Block.AppHash.String()
	rep.Key = hex.EncodeToString(c.Key)
	for _, e := range c.Entries {
		var b bytes.Buffer
		if json.Compact(&b, e.Value) != nil {
			continue
		}
		rep.Entries = append(rep.Entries, Entry{Key: hex.EncodeToString(e.Key), Value: b.Bytes()})
	}
}

// signers sets rep's signers and power from the commit of c's header
// H+1, which verify.Verify has checked: every signature in it is valid.
// A validator is counted if its signature is for the block.
func signers(rep *Report, c *verify.Certificate, agencies []Agency) error {
	var p cmtproto.SignedHeader
	if err := p.Unmarshal(c.Block.SignedHeader); err != nil {
		return fmt.Errorf("verifier: signed header: %w", err)
	}
	sh, err := cmtypes.SignedHeaderFromProto(&p)
	if err != nil {
		return fmt.Errorf("verifier: signed header: %w", err)
	}
	byKey := make(map[string]Agency, len(agencies))
	for _, a := range agencies {
		byKey[string(a.PubKey)] = a
	}
	type val struct {
		pub   []byte
		power int64
	}
	byAddr := make(map[string]val, len(c.Block.Validators))
	for _, v := range c.Block.Validators {
		rep.TotalPower += v.Power
		byAddr[string(ed25519.PubKey(v.PubKey).Address())] = val{v.PubKey, v.Power}
	}
	rep.Validators = len(c.Block.Validators)
	rep.Signers = []Signer{}
	for _, s := range sh.Commit.Signatures {
		if s.BlockIDFlag != cmtypes.BlockIDFlagCommit {
			continue
		}
		v, ok := byAddr[string(s.ValidatorAddress)]
		if !ok {
			return fmt.Errorf("verifier: the commit is signed by %X, which is not in the validator set", []byte(s.ValidatorAddress))
		}
		a := byKey[string(v.pub)]
		rep.Signers = append(rep.Signers, Signer{Address: fmt.Sprintf("%X", []byte(s.ValidatorAddress)), Power: v.power, Agency: a.ID, Name: a.Name})
		rep.SignedPower += v.power
	}
	return nil
}

// TrustSummary is a trust root as the page shows and pins it.
type TrustSummary struct {
	// Error is why the trust file was refused; the other fields are then
	// empty.
	Error   string `json:"error,omitempty"`
	ChainID string `json:"chain_id,omitempty"`
	// Validators are the trusted set, in its order.
	Validators []TrustValidator `json:"validators,omitempty"`
	// File is the trust root as a verify.TrustFile (JSON): what the page
	// pins, whichever form (genesis or trust file) it was read from.
	File json.RawMessage `json:"file,omitempty"`
}

// TrustValidator is one validator of a trust root.
type TrustValidator struct {
	Address string `json:"address"`
	PubKey  string `json:"pub_key"`
	Power   int64  `json:"power"`
}

// Trust reads a trust root (a genesis.json or a verify.TrustFile) as
// verify.ParseTrust does. It never panics.
func Trust(data []byte) (sum TrustSummary) {
	defer func() {
		if r := recover(); r != nil {
			sum = TrustSummary{Error: fmt.Sprintf("verifier: internal error: %v", r)}
		}
	}()
	tr, err := verify.ParseTrust(data)
	if err != nil {
		return TrustSummary{Error: err.Error()}
	}
	file, err := json.Marshal(verify.TrustFileOf(tr))
	if err != nil {
		return TrustSummary{Error: err.Error()}
	}
	sum = TrustSummary{ChainID: tr.ChainID, File: file}
	for _, v := range tr.Validators.Validators {
		sum.Validators = append(sum.Validators, TrustValidator{
			Address: v.Address.String(),
			PubKey:  hex.EncodeToString(v.PubKey.Bytes()),
			Power:   v.VotingPower,
		})
	}
	return sum
}
