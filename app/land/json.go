package land

import "github.com/govchain/govchain/app/core"

// Hand-written canonical JSON of the records every registration writes
// and reads (core.JSONAppender, core.JSONDecoder): the same bytes and
// values as encoding/json, which still decides anything they do not
// handle. json_test.go checks them against encoding/json.

func writeShares(w *core.JSONWriter, l []Share) {
	if l == nil {
		w.Null()
		return
	}
	w.OpenArray()
	for _, s := range l {
		w.Open()
		w.Key("account")
		w.Hex(s.Account[:])
		w.Key("shares")
		w.Uint(s.Shares)
		w.Close()
	}
	w.CloseArray()
}

func readShares(r *core.JSONReader) []Share {
	if r.Null() {
		return nil
	}
	r.OpenArray()
	out := []Share{}
	for r.More() {
		var s Share
		r.Open()
		r.Key("account")
		r.Hex(s.Account[:])
		r.Key("shares")
		s.Shares = r.Uint()
		r.Close()
		out = append(out, s)
	}
	return out
}

// AppendJSON implements core.JSONAppender.
func (p Parcel) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("id")
	w.String(p.ID)
	w.Key("cadastral_ref")
	w.String(p.CadastralRef)
	w.Key("area_m2")
	w.Int(p.AreaM2)
	w.Key("location")
	w.String(p.Location)
	w.Key("description")
	w.String(p.Description)
	w.Key("document_hash")
	w.Hex(p.DocumentHash[:])
	w.Key("denominator")
	w.Uint(p.Denominator)
	w.Key("owners")
	writeShares(&w, p.Owners)
	w.Key("status")
	w.String(p.Status)
	w.Key("parents")
	w.Strings(p.Parents)
	w.Key("children")
	w.Strings(p.Children)
	w.Key("pending_transfers")
	w.Uints(p.PendingTransfers)
	w.Key("pending_liens")
	w.Uints(p.PendingLiens)
	w.Key("active_liens")
	w.Uints(p.ActiveLiens)
	w.Key("open_disputes")
	w.Uints(p.OpenDisputes)
	w.Key("registered_by")
	w.Hex(p.RegisteredBy[:])
	w.Key("registered_height")
	w.Int(p.RegisteredHeight)
	w.Key("registered_at")
	w.Time(p.RegisteredAt)
	w.Key("history_count")
	w.Uint(p.HistoryCount)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (p *Parcel) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v Parcel
	r.Open()
	r.Key("id")
	v.ID = r.String()
	r.Key("cadastral_ref")
	v.CadastralRef = r.String()
	r.Key("area_m2")
	v.AreaM2 = r.Int()
	r.Key("location")
	v.Location = r.String()
	r.Key("description")
	v.Description = r.String()
	r.Key("document_hash")
	r.Hex(v.DocumentHash[:])
	r.Key("denominator")
	v.Denominator = r.Uint()
	r.Key("owners")
	v.Owners = readShares(&r)
	r.Key("status")
	v.Status = r.String()
	r.Key("parents")
	v.Parents = r.Strings()
	r.Key("children")
	v.Children = r.Strings()
	r.Key("pending_transfers")
	v.PendingTransfers = r.Uints()
	r.Key("pending_liens")
	v.PendingLiens = r.Uints()
	r.Key("active_liens")
	v.ActiveLiens = r.Uints()
	r.Key("open_disputes")
	v.OpenDisputes = r.Uints()
	r.Key("registered_by")
	r.Hex(v.RegisteredBy[:])
	r.Key("registered_height")
	v.RegisteredHeight = r.Int()
	r.Key("registered_at")
	v.RegisteredAt = r.Time()
	r.Key("history_count")
	v.HistoryCount = r.Uint()
	r.Close()
	if !r.Done() {
		return false
	}
	*p = v
	return true
}

// AppendJSON implements core.JSONAppender.
func (o Owner) AppendJSON(b []byte) ([]byte, bool) {
	return core.AppendAccountCount(b, o.Account, "parcel_count", o.ParcelCount)
}

// DecodeJSON implements core.JSONDecoder.
func (o *Owner) DecodeJSON(b []byte) bool {
	a, n, ok := core.DecodeAccountCount(b, "parcel_count")
	if ok {
		*o = Owner{Account: a, ParcelCount: n}
	}
	return ok
}

// AppendJSON implements core.JSONAppender.
func (e OwnerParcel) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("parcel_id")
	w.String(e.ParcelID)
	w.Key("shares")
	w.Uint(e.Shares)
	w.Key("denominator")
	w.Uint(e.Denominator)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (e *OwnerParcel) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v OwnerParcel
	r.Open()
	r.Key("parcel_id")
	v.ParcelID = r.String()
	r.Key("shares")
	v.Shares = r.Uint()
	r.Key("denominator")
	v.Denominator = r.Uint()
	r.Close()
	if !r.Done() {
		return false
	}
	*e = v
	return true
}

// AppendJSON implements core.JSONAppender (a history entry's details;
// parents is omitted when empty).
func (d parcelDetails) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("cadastral_ref")
	w.String(d.CadastralRef)
	w.Key("area_m2")
	w.Int(d.AreaM2)
	w.Key("denominator")
	w.Uint(d.Denominator)
	w.Key("owners")
	writeShares(&w, d.Owners)
	w.Key("document_hash")
	w.Hex(d.DocumentHash[:])
	if len(d.Parents) > 0 {
		w.Key("parents")
		w.Strings(d.Parents)
	}
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (m RegisterParcel) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("parcel_id")
	w.String(m.ParcelID)
	w.Key("cadastral_ref")
	w.String(m.CadastralRef)
	w.Key("area_m2")
	w.Int(m.AreaM2)
	w.Key("location")
	w.String(m.Location)
	w.Key("description")
	w.String(m.Description)
	w.Key("denominator")
	w.Uint(m.Denominator)
	w.Key("owners")
	writeShares(&w, m.Owners)
	w.Key("document_hash")
	w.Hex(m.DocumentHash[:])
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (m *RegisterParcel) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v RegisterParcel
	r.Open()
	r.Key("parcel_id")
	v.ParcelID = r.String()
	r.Key("cadastral_ref")
	v.CadastralRef = r.String()
	r.Key("area_m2")
	v.AreaM2 = r.Int()
	r.Key("location")
	v.Location = r.String()
	r.Key("description")
	v.Description = r.String()
	r.Key("denominator")
	v.Denominator = r.Uint()
	r.Key("owners")
	v.Owners = readShares(&r)
	r.Key("document_hash")
	r.Hex(v.DocumentHash[:])
	r.Close()
	if !r.Done() {
		return false
	}
	*m = v
	return true
}
