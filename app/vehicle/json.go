package vehicle

import "github.com/govchain/govchain/app/core"

// Hand-written canonical JSON of the records every registration and
// odometer reading writes and reads (core.JSONAppender, core.JSONDecoder):
// the same bytes and values as encoding/json, which still decides
// anything they do not handle. json_test.go checks them against
// encoding/json.

// AppendJSON implements core.JSONAppender.
func (v Vehicle) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("vin")
	w.String(v.VIN)
	w.Key("check_digit_scheme")
	w.String(v.CheckDigitScheme)
	w.Key("make")
	w.String(v.Make)
	w.Key("model")
	w.String(v.Model)
	w.Key("year")
	w.Int(v.Year)
	w.Key("colour")
	w.String(v.Colour)
	w.Key("plate")
	w.String(v.Plate)
	w.Key("owner")
	w.Hex(v.Owner[:])
	w.Key("owner_since")
	w.Time(v.OwnerSince)
	w.Key("tax_liable")
	w.Hex(v.TaxLiable[:])
	w.Key("tax_liable_since")
	w.Time(v.TaxLiableSince)
	w.Key("status")
	w.String(v.Status)
	w.Key("dereg_reason")
	w.String(v.DeregReason)
	w.Key("odometer_km")
	w.Int(v.OdometerKM)
	w.Key("odometer_height")
	w.Int(v.OdometerHeight)
	w.Key("fraud_flags")
	w.Uint(v.FraudFlags)
	w.Key("last_inspection")
	if i := v.LastInspection; i == nil {
		w.Null()
	} else {
		w.Open()
		w.Key("station")
		w.Hex(i.Station[:])
		w.Key("result")
		w.String(i.Result)
		w.Key("odometer_km")
		w.Int(i.OdometerKM)
		w.Key("height")
		w.Int(i.Height)
		w.Key("time")
		w.Time(i.Time)
		w.Close()
	}
	w.Key("insurance")
	if ins := v.Insurance; ins == nil {
		w.Null()
	} else {
		w.Open()
		w.Key("insurer")
		w.Hex(ins.Insurer[:])
		w.Key("policy_number")
		w.String(ins.PolicyNumber)
		w.Key("valid_from")
		w.Time(ins.ValidFrom)
		w.Key("valid_to")
		w.Time(ins.ValidTo)
		w.Key("height")
		w.Int(ins.Height)
		w.Close()
	}
	w.Key("open_transfer")
	w.Uint(v.OpenTransfer)
	w.Key("active_liens")
	w.Uints(v.ActiveLiens)
	w.Key("registered_by")
	w.Hex(v.RegisteredBy[:])
	w.Key("registered_height")
	w.Int(v.RegisteredHeight)
	w.Key("registered_at")
	w.Time(v.RegisteredAt)
	w.Key("history_count")
	w.Uint(v.HistoryCount)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (v *Vehicle) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var x Vehicle
	r.Open()
	r.Key("vin")
	x.VIN = r.String()
	r.Key("check_digit_scheme")
	x.CheckDigitScheme = r.String()
	r.Key("make")
	x.Make = r.String()
	r.Key("model")
	x.Model = r.String()
	r.Key("year")
	x.Year = r.Int()
	r.Key("colour")
	x.Colour = r.String()
	r.Key("plate")
	x.Plate = r.String()
	r.Key("owner")
	r.Hex(x.Owner[:])
	r.Key("owner_since")
	x.OwnerSince = r.Time()
	r.Key("tax_liable")
	r.Hex(x.TaxLiable[:])
	r.Key("tax_liable_since")
	x.TaxLiableSince = r.Time()
	r.Key("status")
	x.Status = r.String()
	r.Key("dereg_reason")
	x.DeregReason = r.String()
	r.Key("odometer_km")
	x.OdometerKM = r.Int()
	r.Key("odometer_height")
	x.OdometerHeight = r.Int()
	r.Key("fraud_flags")
	x.FraudFlags = r.Uint()
	r.Key("last_inspection")
	if !r.Null() {
		i := new(Inspection)
		r.Open()
		r.Key("station")
		r.Hex(i.Station[:])
		r.Key("result")
		i.Result = r.String()
		r.Key("odometer_km")
		i.OdometerKM = r.Int()
		r.Key("height")
		i.Height = r.Int()
		r.Key("time")
		i.Time = r.Time()
		r.Close()
		x.LastInspection = i
	}
	r.Key("insurance")
	if !r.Null() {
		ins := new(Insurance)
		r.Open()
		r.Key("insurer")
		r.Hex(ins.Insurer[:])
		r.Key("policy_number")
		ins.PolicyNumber = r.String()
		r.Key("valid_from")
		ins.ValidFrom = r.Time()
		r.Key("valid_to")
		ins.ValidTo = r.Time()
		r.Key("height")
		ins.Height = r.Int()
		r.Close()
		x.Insurance = ins
	}
	r.Key("open_transfer")
	x.OpenTransfer = r.Uint()
	r.Key("active_liens")
	x.ActiveLiens = r.Uints()
	r.Key("registered_by")
	r.Hex(x.RegisteredBy[:])
	r.Key("registered_height")
	x.RegisteredHeight = r.Int()
	r.Key("registered_at")
	x.RegisteredAt = r.Time()
	r.Key("history_count")
	x.HistoryCount = r.Uint()
	r.Close()
	if !r.Done() {
		return false
	}
	*v = x
	return true
}

// AppendJSON implements core.JSONAppender.
func (o Owner) AppendJSON(b []byte) ([]byte, bool) {
	return core.AppendAccountCount(b, o.Account, "vehicle_count", o.VehicleCount)
}

// DecodeJSON implements core.JSONDecoder.
func (o *Owner) DecodeJSON(b []byte) bool {
	a, n, ok := core.DecodeAccountCount(b, "vehicle_count")
	if ok {
		*o = Owner{Account: a, VehicleCount: n}
	}
	return ok
}

// AppendJSON implements core.JSONAppender.
func (e OwnerVehicle) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("vin")
	w.String(e.VIN)
	w.Key("since_height")
	w.Int(e.SinceHeight)
	w.Key("since")
	w.Time(e.Since)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (p Plate) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("plate")
	w.String(p.Plate)
	w.Key("vin")
	w.String(p.VIN)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (d registerDetails) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("check_digit_scheme")
	w.String(d.CheckDigitScheme)
	w.Key("make")
	w.String(d.Make)
	w.Key("model")
	w.String(d.Model)
	w.Key("year")
	w.Int(d.Year)
	w.Key("colour")
	w.String(d.Colour)
	w.Key("plate")
	w.String(d.Plate)
	w.Key("owner")
	w.Hex(d.Owner[:])
	w.Key("tax_liable")
	w.Hex(d.TaxLiable[:])
	w.Key("odometer_km")
	w.Int(d.OdometerKM)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (d odometerDetails) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("odometer_km")
	w.Int(d.OdometerKM)
	w.Key("previous_km")
	w.Int(d.PreviousKM)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (m RegisterVehicle) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("vin")
	w.String(m.VIN)
	w.Key("check_digit_scheme")
	w.String(m.CheckDigitScheme)
	w.Key("make")
	w.String(m.Make)
	w.Key("model")
	w.String(m.Model)
	w.Key("year")
	w.Int(m.Year)
	w.Key("colour")
	w.String(m.Colour)
	w.Key("plate")
	w.String(m.Plate)
	w.Key("owner")
	w.Hex(m.Owner[:])
	w.Key("tax_liable")
	w.Hex(m.TaxLiable[:])
	w.Key("odometer_km")
	w.Int(m.OdometerKM)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (m *RegisterVehicle) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v RegisterVehicle
	r.Open()
	r.Key("vin")
	v.VIN = r.String()
	r.Key("check_digit_scheme")
	v.CheckDigitScheme = r.String()
	r.Key("make")
	v.Make = r.String()
	r.Key("model")
	v.Model = r.String()
	r.Key("year")
	v.Year = r.Int()
	r.Key("colour")
	v.Colour = r.String()
	r.Key("plate")
	v.Plate = r.String()
	r.Key("owner")
	r.Hex(v.Owner[:])
	r.Key("tax_liable")
	r.Hex(v.TaxLiable[:])
	r.Key("odometer_km")
	v.OdometerKM = r.Int()
	r.Close()
	if !r.Done() {
		return false
	}
	*m = v
	return true
}

// AppendJSON implements core.JSONAppender.
func (m RecordOdometer) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("vin")
	w.String(m.VIN)
	w.Key("odometer_km")
	w.Int(m.OdometerKM)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (m *RecordOdometer) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v RecordOdometer
	r.Open()
	r.Key("vin")
	v.VIN = r.String()
	r.Key("odometer_km")
	v.OdometerKM = r.Int()
	r.Close()
	if !r.Done() {
		return false
	}
	*m = v
	return true
}
