package legacy

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/seal"
)

// CivilColumns are the columns a civil registry's file must have; every
// other column of its header is a personal attribute (given_name,
// birth_date, ...), committed to and never written to the chain's dump.
var CivilColumns = []string{"person_id", "document_sha256"}

// SaltsHeader is the header of the salts file Commit writes.
var SaltsHeader = []string{"person_id", "attribute", "salt"}

// Commit turns a civil registry's CSV (CivilColumns, then one column per
// attribute) into the persons dump the chain imports: for each row, a
// fresh 32-byte salt from rand per attribute and the commitment
// seal.Commitment(salt, attribute, value). The dump (Persons' columns) goes
// to dump, the salts to salts (SaltsHeader), which stay with the civil
// registry: with a salt and the value, anyone can check a commitment;
// without the salt, a commitment says nothing of the value. An empty value
// is not committed. Rows that cannot be read are set aside and returned;
// a bad header or a failing writer stops it.
func Commit(ctx context.Context, r io.Reader, dump, salts io.Writer, rand io.Reader) (rows int, rejects []Reject, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	dw, sw := csv.NewWriter(dump), csv.NewWriter(salts)
	if err := dw.Write(Persons.Columns); err != nil {
		return 0, nil, err
	}
	if err := sw.Write(SaltsHeader); err != nil {
		return 0, nil, err
	}
	var attrs []string
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(strings.TrimPrefix(sc.Text(), "\xef\xbb\xbf"), "\r")
		if line == 1 {
			if attrs, err = civilHeader(text); err != nil {
				return 0, nil, err
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if line%ProgressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return rows, rejects, fmt.Errorf("legacy: stopped after %d rows: %w", rows, err)
			}
		}
		reject := func(code, format string, args ...any) {
			rejects = append(rejects, Reject{Line: line, Code: code, Reason: fmt.Sprintf(format, args...), Raw: text})
		}
		if !utf8.ValidString(text) {
			reject(CodeEncoding, "the line is not valid UTF-8")
			continue
		}
		f, err := splitCSV([]byte(text))
		if err != nil {
			reject(CodeEncoding, "not one CSV record: %v", err)
			continue
		}
		if len(f) != len(attrs)+2 {
			reject(CodeColumns, "%d fields, the header has %d", len(f), len(attrs)+2)
			continue
		}
		id := strings.TrimSpace(f[0])
		var list []string
		for i, a := range attrs {
			v := strings.TrimSpace(f[2+i])
			if v == "" {
				continue
			}
			var salt [32]byte
			if _, err := io.ReadFull(rand, salt[:]); err != nil {
				return rows, rejects, fmt.Errorf("legacy: salt: %w", err)
			}
			c := seal.Commitment(salt, a, v)
			list = append(list, a+":"+hex.EncodeToString(c[:]))
			if err := sw.Write([]string{id, a, hex.EncodeToString(salt[:])}); err != nil {
				return rows, rejects, err
			}
		}
		if err := dw.Write([]string{id, strings.TrimSpace(f[1]), strings.Join(list, ";")}); err != nil {
			return rows, rejects, err
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		return rows, rejects, fmt.Errorf("legacy: read civil registry at line %d: %w", line+1, err)
	}
	if line == 0 {
		return 0, nil, fmt.Errorf("legacy: the civil registry's file is empty (no header line)")
	}
	dw.Flush()
	sw.Flush()
	if err := dw.Error(); err != nil {
		return rows, rejects, err
	}
	return rows, rejects, sw.Error()
}

// civilHeader checks a civil registry's header and returns its attributes.
func civilHeader(text string) ([]string, error) {
	names, err := splitCSV([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("legacy: header line: %w", err)
	}
	if len(names) < 3 || strings.TrimSpace(names[0]) != CivilColumns[0] || strings.TrimSpace(names[1]) != CivilColumns[1] {
		return nil, fmt.Errorf("legacy: a civil registry's header is %s, then one column per attribute", strings.Join(CivilColumns, ","))
	}
	attrs := make([]string, 0, len(names)-2)
	for _, n := range names[2:] {
		n = strings.TrimSpace(n)
		if err := core.ValidateID("attribute", n); err != nil {
			return nil, fmt.Errorf("legacy: header: attribute %q: %w", n, err)
		}
		for _, a := range attrs {
			if a == n {
				return nil, fmt.Errorf("legacy: header names attribute %q twice", n)
			}
		}
		attrs = append(attrs, n)
	}
	return attrs, nil
}

// civilAttributes are the attributes Generate writes for persons.
var civilAttributes = []string{"given_name", "family_name", "birth_date", "birth_place"}

var (
	givenNames  = []string{"Alena", "Andrei", "Darya", "Dzmitry", "Hanna", "Ivan", "Katsiaryna", "Maksim", "Natallia", "Pavel", "Volha", "Yauhen"}
	familyNames = []string{"Ivanou", "Kavalenka", "Novik", "Karpovich", "Lukashevich", "Zhuk", "Bondar", "Melnik", "Shevchuk", "Kazlou"}
)

func genPerson(rng interface{ IntN(int) int }, i int) []string {
	doc := sha256.Sum256(fmt.Appendf(nil, "birth certificate %d", i))
	return []string{fmt.Sprintf("BY-P-%08d", i), hex.EncodeToString(doc[:]),
		givenNames[rng.IntN(len(givenNames))], familyNames[rng.IntN(len(familyNames))],
		fmt.Sprintf("%04d-%02d-%02d", 1930+rng.IntN(95), 1+rng.IntN(12), 1+rng.IntN(28)), towns[rng.IntN(len(towns))]}
}
