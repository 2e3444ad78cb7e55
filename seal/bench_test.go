package seal

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// typicalRecord is a record of 6 fields whose values are 401 bytes in all.
func typicalRecord(tb testing.TB) []byte {
	tb.Helper()
	values := []struct{ name, value string }{
		{"address", "Rua das Amoreiras 147, 3.º esquerdo, 1250-024 Lisboa, Portugal; previously Avenida da Liberdade 12, 1269-046 Lisboa (until 2019)"},
		{"birth_date", "1984-02-29"},
		{"employer", "Instituto Nacional de Estatística, Departamento de Metodologia e Sistemas de Informação, Serviço de Amostragem"},
		{"full_name", "Maria Antónia dos Santos Ferreira da Silva"},
		{"household", "4 persons: the subject, spouse (id P-77120), two children (ids P-91004, P-91005)"},
		{"income", "42000.00 EUR gross (2024)"},
	}
	p := Payload{RequestID: 1234567, ChainID: "govchain-dev"}
	total := 0
	for _, v := range values {
		p.Fields = append(p.Fields, Field{Name: v.name, Value: v.value, Salt: NewSalt()})
		total += len(v.value)
	}
	require.Equal(tb, 401, total)
	b, err := EncodePayload(p)
	require.NoError(tb, err)
	return b
}

// BenchmarkSeal seals a typical record to a key of each suite: "bytes"
// from the public key's bytes as the chain stores them (the key checked
// each time, as Seal does), "parsed" to a parsed PublicKey.
func BenchmarkSeal(b *testing.B) {
	pt := typicalRecord(b)
	info := Info("govchain-dev", 1234567, "key-2025")
	for _, s := range []string{SuiteX25519, SuiteMLKEM768X25519} {
		k := fixedKey(b, s, 0x99)
		pub := k.PublicKeyBytes()
		b.Run(s+"/bytes", func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if _, err := Seal(s, pub, info, pt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seals/s")
		})
		b.Run(s+"/parsed", func(b *testing.B) {
			parsed := k.PublicKey()
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if _, err := parsed.Seal(info, pt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seals/s")
		})
	}
}

// BenchmarkOpen opens a typical record sealed to a key of each suite.
func BenchmarkOpen(b *testing.B) {
	pt := typicalRecord(b)
	info := Info("govchain-dev", 1234567, "key-2025")
	for _, s := range []string{SuiteX25519, SuiteMLKEM768X25519} {
		k := fixedKey(b, s, 0x99)
		ct, err := Seal(s, k.PublicKeyBytes(), info, pt)
		require.NoError(b, err)
		b.Run(s, func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if _, err := Open(k, info, ct); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "opens/s")
		})
	}
}
