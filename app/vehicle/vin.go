package vehicle

// VINLen is the length of a vehicle identification number (ISO 3779).
const VINLen = 17

// vinWeights are the position weights of the North American check digit
// (49 CFR 565.15); position 9 (the check digit itself) weighs 0.
var vinWeights = [VINLen]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue transliterates a VIN character to its check-digit value (49 CFR
// 565.15 table). ok is false for a character a VIN may not contain: I, O,
// Q, lower case, anything not an ASCII letter or digit.
func vinValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1, true // A=1 ... H=8
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1, true // J=1 ... N=5
	case c == 'P':
		return 7, true
	case c == 'R':
		return 9, true
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2, true // S=2 ... Z=9
	}
	return 0, false
}

// VINCheckDigit computes the North American check digit of a VIN whose
// characters are all valid: '0'-'9', or 'X' for a remainder of 10. Position
// 9 of vin is ignored.
func VINCheckDigit(vin string) byte {
	sum := 0
	for i := 0; i < VINLen && i < len(vin); i++ {
		v, _ := vinValue(vin[i])
		sum += v * vinWeights[i]
	}
	r := sum % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
}

// northAmericanWMI reports whether the VIN's world manufacturer identifier
// is in a North American region (first character 1-5: United States,
// Canada, Mexico), where the check digit is mandatory.
func northAmericanWMI(vin string) bool { return len(vin) > 0 && vin[0] >= '1' && vin[0] <= '5' }

// ValidateVIN checks a VIN under a check-digit scheme: exactly 17
// characters, upper-case ASCII letters and digits without I, O or Q. Under
// SchemeNorthAmerican, position 9 must equal VINCheckDigit. SchemeNone is
// refused for a VIN whose first character is 1-5 (a North American
// manufacturer), which always carries a check digit.
func ValidateVIN(vin, scheme string) error {
	if len(vin) != VINLen {
		return fields.Invalidf("vin must be %d characters, got %d", VINLen, len(vin))
	}
	for i := 0; i < len(vin); i++ {
		if _, ok := vinValue(vin[i]); !ok {
			return fields.Invalidf("vin %q: character %q at position %d is not allowed (upper-case letters except I, O, Q, and digits)", vin, vin[i], i+1)
		}
	}
	switch scheme {
	case SchemeNorthAmerican:
		if want := VINCheckDigit(vin); vin[8] != want {
			return fields.Invalidf("vin %q: check digit (position 9) is %q, want %q", vin, vin[8], want)
		}
	case SchemeNone:
		if northAmericanWMI(vin) {
			return fields.Invalidf("vin %q: a North American manufacturer code (first character 1-5) needs check_digit_scheme %q", vin, SchemeNorthAmerican)
		}
	default:
		return fields.Invalidf("check_digit_scheme must be %q or %q, got %q", SchemeNorthAmerican, SchemeNone, scheme)
	}
	return nil
}

// validVINChars reports whether s has the length and characters of a VIN,
// without any check-digit test (for ids in messages after registration and
// in query paths).
func validVINChars(s string) bool {
	if len(s) != VINLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := vinValue(s[i]); !ok {
			return false
		}
	}
	return true
}

// MaxPlateLen is the longest plate.
const MaxPlateLen = 16

// ValidatePlate checks a plate in its canonical form: 1-MaxPlateLen
// characters, upper-case ASCII letters, digits and '-', not starting or
// ending with '-'. Clients normalise spaces and case before signing, so
// that one plate has one key.
func ValidatePlate(p string) error {
	if len(p) == 0 || len(p) > MaxPlateLen {
		return fields.Invalidf("plate must be 1-%d characters, got %d", MaxPlateLen, len(p))
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return fields.Invalidf("plate %q: only upper-case letters, digits and - are allowed", p)
		}
	}
	if p[0] == '-' || p[len(p)-1] == '-' {
		return fields.Invalidf("plate %q must not start or end with -", p)
	}
	return nil
}
