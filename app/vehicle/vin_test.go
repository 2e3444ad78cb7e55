package vehicle

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVINCheckDigit(t *testing.T) {
	// Published examples with valid check digits.
	for _, vin := range []string{"1M8GDM9AXKP042788", "11111111111111111", "1HGCM82633A004352"} {
		require.Equal(t, vin[8], VINCheckDigit(vin), vin)
		require.NoError(t, ValidateVIN(vin, SchemeNorthAmerican), vin)
	}
	require.NoError(t, ValidateVIN(vin2, SchemeNorthAmerican))
	// Every transliteration value: a VIN made of one letter repeated has a
	// check digit of (value * 89) mod 11.
	want := map[byte]int{'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8, 'J': 1, 'K': 2, 'L': 3,
		'M': 4, 'N': 5, 'P': 7, 'R': 9, 'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9}
	for c, v := range want {
		got, ok := vinValue(c)
		require.True(t, ok)
		require.Equal(t, v, got, string(c))
	}
	for _, c := range []byte("IOQioq a-*") {
		_, ok := vinValue(c)
		require.False(t, ok, string(c))
	}

	for _, tc := range []struct{ name, vin, scheme string }{
		{"wrong check digit", "1M8GDM9A1KP042788", SchemeNorthAmerican},
		{"short", "1M8GDM9AXKP04278", SchemeNorthAmerican},
		{"long", "1M8GDM9AXKP0427880", SchemeNorthAmerican},
		{"letter I", "WVWZZZ1JZXW00000I", SchemeNone},
		{"letter O", "WVWZZZ1JZXW00000O", SchemeNone},
		{"letter Q", "WVWZZZ1JZXW00000Q", SchemeNone},
		{"lower case", "wvwzzz1jzxw000001", SchemeNone},
		{"north american wmi without check digit", "1M8GDM9A1KP042788", SchemeNone},
		{"unknown scheme", vinE, "iso"},
		{"empty scheme", vinE, ""},
	} {
		require.ErrorIs(t, ValidateVIN(tc.vin, tc.scheme), ErrInvalidMessage, tc.name)
	}
	// A European VIN: position 9 is not a check digit.
	require.NoError(t, ValidateVIN(vinE, SchemeNone))
	require.Error(t, ValidateVIN(vinE, SchemeNorthAmerican), "Z is no check digit")
}

func TestValidatePlate(t *testing.T) {
	for _, p := range []string{"A", "AB-123", "1234567890ABCDEF"} {
		require.NoError(t, ValidatePlate(p), p)
	}
	for _, p := range []string{"", "ab-123", "AB 123", "-AB", "AB-", "1234567890ABCDEFG", "AB/1", "ÄB"} {
		require.ErrorIs(t, ValidatePlate(p), ErrInvalidMessage, p)
	}
}
