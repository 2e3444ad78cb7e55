package legacy

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/vehicle"
)

// GenConfig says what Generate writes.
type GenConfig struct {
	// Rows is the number of data rows.
	Rows int
	// Seed makes the dump: the same config writes the same bytes.
	Seed uint64
	// BadEvery, if positive, makes every BadEvery-th row malformed, in
	// turn: bad encoding, a missing column, a duplicate id, shares that do
	// not add up (parcels) or an invalid VIN (vehicles) or a short
	// document hash (persons) or a gross total one unit off (invoices), a
	// bad number (a bad hash for persons, a bad date for invoices).
	BadEvery int
	// LiensEvery, if positive, gives every LiensEvery-th parcel one or two
	// liens in the liens column (parcels only; the column is written only
	// then). The liens come from a random stream of their own: the other
	// columns are those of the same dump without liens.
	LiensEvery int
	// LifeEvery, if positive, gives every LifeEvery-th invoice what
	// happened to it after its issue (invoices only; the optional columns
	// are written only then): an acknowledgement by its buyer within 30
	// days, a claim for its reimbursement within 90 days by one of eight
	// insurers, or both. They come from a random stream of their own: the
	// other columns are those of the same dump without them.
	LifeEvery int
	// CreditEvery, if positive, gives every CreditEvery-th invoice one or
	// two credit notes in the credit_notes column (invoices only; the
	// column is written only then), each crediting part of one of its
	// lines within 120 days of the issue, never the whole invoice. They
	// come from a random stream of their own: the other columns are those
	// of the same dump without them.
	CreditEvery int
}

// Malformations Generate cycles through, in order.
var genFaults = []string{CodeEncoding, CodeColumns, CodeDuplicate, "domain", CodeBadField}

var (
	towns   = []string{"Minsk", "Brest", "Grodno", "Gomel", "Mogilev", "Vitebsk", "Baranovichi", "Bobruisk", "Pinsk", "Orsha", "Lida", "Polotsk"}
	streets = []string{"Lenina", "Sovetskaya", "Pobedy", "Mira", "Gagarina", "Kirova", "Pushkina", "Molodezhnaya", "Tsentralnaya", "Shkolnaya"}
	uses    = []string{"residential plot", "agricultural land", "garden plot", "commercial plot", "forest land", "industrial site"}
	makes   = [][2]string{{"Volkswagen", "Passat"}, {"Renault", "Logan"}, {"Lada", "Vesta"}, {"Toyota", "Camry"}, {"Geely", "Coolray"}, {"Skoda", "Octavia"}, {"Ford", "Focus"}, {"BMW", "X5"}}
	colours = []string{"white", "black", "silver", "grey", "blue", "red", "green"}
)

// vinChars are the characters a VIN may hold.
const vinChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

// Generate writes a realistic dump of reg in format: a header (CSV), then
// cfg.Rows rows, deterministic from cfg.Seed. For Persons it writes the
// civil registry's own CSV (CivilColumns and four personal attributes),
// which Commit turns into the dump the chain imports. Owners are drawn from a pool
// of about Rows/2 accounts, so that many own several records.
func Generate(w io.Writer, reg *Registry, format Format, cfg GenConfig) error {
	if cfg.Rows < 0 {
		return fmt.Errorf("legacy: generate: rows must not be negative, got %d", cfg.Rows)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	columns := reg.Columns
	liens := cfg.LiensEvery > 0 && reg == Parcels
	life := cfg.LifeEvery > 0 && reg == Invoices
	credits := cfg.CreditEvery > 0 && reg == Invoices
	switch {
	case liens:
		columns = reg.AllColumns()
	case reg == Invoices:
		// Only the optional columns written: a header without one
		// reads it as empty.
		columns = slices.Clone(reg.Columns)
		if life {
			columns = append(columns, reg.Optional[:4]...)
		}
		if credits {
			columns = append(columns, reg.Optional[4])
		}
	}
	lrng := rand.New(rand.NewPCG(cfg.Seed, 0x6c69656e73))
	crng := rand.New(rand.NewPCG(cfg.Seed, 0x63726564697473))
	if reg == Persons {
		// The civil registry's own file, the input of Commit.
		if format != FormatCSV {
			return fmt.Errorf("legacy: generate: a civil registry's file is CSV")
		}
		columns = append(append([]string(nil), CivilColumns...), civilAttributes...)
	}
	if format == FormatCSV {
		if err := cw.Write(columns); err != nil {
			return err
		}
		cw.Flush()
	}
	pool := max(cfg.Rows/2, 8)
	account := func() string {
		h := sha256.Sum256(fmt.Appendf(nil, "owner-%d-%d", cfg.Seed, rng.IntN(pool)))
		return hex.EncodeToString(h[:20])
	}
	var prev []string
	faults := 0
	for i := range cfg.Rows {
		var f []string
		switch reg {
		case Parcels:
			f = genParcel(rng, i, account)
			if liens {
				l := ""
				if (i+1)%cfg.LiensEvery == 0 {
					l = genLiens(lrng, cfg.Seed)
				}
				f = append(f, l)
			}
		case Vehicles:
			f = genVehicle(rng, i, account)
		case Persons:
			f = genPerson(rng, i)
		case Invoices:
			f = genInvoice(rng, i, account)
			if life {
				l := []string{"", "", "", ""}
				if (i+1)%cfg.LifeEvery == 0 {
					l = genInvoiceLife(lrng, cfg.Seed, f[3])
				}
				f = append(f, l...)
			}
			if credits {
				cn := ""
				if (i+1)%cfg.CreditEvery == 0 {
					cn = genCreditNotes(crng, i, f)
				}
				f = append(f, cn)
			}
		default:
			return fmt.Errorf("legacy: generate: no generator for registry %s", reg.Name)
		}
		fault := ""
		if cfg.BadEvery > 0 && (i+1)%cfg.BadEvery == 0 {
			fault = genFaults[faults%len(genFaults)]
			faults++
		}
		raw := false
		switch fault {
		case CodeColumns:
			f = slices.Delete(slices.Clone(f), len(reg.Columns)-1, len(reg.Columns))
		case CodeDuplicate:
			if prev != nil {
				// The id and, for a VIN, its check-digit scheme.
				f[0], f[1] = prev[0], prev[1]
			}
		case "domain":
			switch reg {
			case Parcels:
				f[6] = strconv.Itoa(atoi(f[6]) + 1)
			case Vehicles:
				f[0] = f[0][:16] + "I"
			case Invoices:
				f[8] = strconv.Itoa(atoi(f[8]) + 1)
			default:
				f[1] = "deadbeef"
			}
		case CodeBadField:
			switch reg {
			case Parcels:
				f[2] = "twelve"
			case Vehicles:
				f[4] = "MCMXCIX"
			case Invoices:
				f[3] = "last Tuesday"
			default:
				f[1] = "not a hash"
			}
		case CodeEncoding:
			raw = true
		}
		prev = f
		if err := writeRow(bw, cw, columns, format, f, raw); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// writeRow writes one row; raw puts a byte that is not UTF-8 in it.
func writeRow(bw *bufio.Writer, cw *csv.Writer, columns []string, format Format, f []string, raw bool) error {
	if raw {
		f = append([]string(nil), f...)
		f[len(f)/2] = f[len(f)/2] + "\xff"
	}
	if format == FormatCSV {
		if err := cw.Write(f); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}
	obj := make(map[string]string, len(f))
	for i, v := range f {
		obj[columns[i]] = v
	}
	if raw {
		// json.Marshal would replace the bad byte: write it as is.
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		b = append(b[:len(b)-1], []byte(`,"x":"`+"\xff"+`"}`)...)
		bw.Write(b)
		return bw.WriteByte('\n')
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	bw.Write(b)
	return bw.WriteByte('\n')
}

func genParcel(rng *rand.Rand, i int, account func() string) []string {
	id := fmt.Sprintf("BY-%02d-%08d", i%7+1, i)
	ref := fmt.Sprintf("%011d:%02d:%03d:%04d", 62401000000+rng.IntN(1000000), rng.IntN(100), rng.IntN(1000), i%10000)
	area := 200 + rng.IntN(49800)
	if rng.IntN(20) == 0 {
		area = 10000 + rng.IntN(2000000)
	}
	town := towns[rng.IntN(len(towns))]
	loc := fmt.Sprintf("%s, %s st. %d", town, streets[rng.IntN(len(streets))], 1+rng.IntN(200))
	desc := uses[rng.IntN(len(uses))]
	doc := sha256.Sum256([]byte("deed " + id))
	var den, owners string
	switch n := rng.IntN(10); {
	case n < 6:
		den, owners = "1", account()+":1"
	case n < 9:
		a, b := distinct(account)
		den, owners = "2", a+":1;"+b+":1"
	default:
		a, b := distinct(account)
		c := account()
		for c == a || c == b {
			c = account()
		}
		den, owners = "4", a+":2;"+b+":1;"+c+":1"
	}
	return []string{id, ref, strconv.Itoa(area), loc, desc, hex.EncodeToString(doc[:]), den, owners}
}

var goods = []string{"cement, bags", "timber, cubic metres", "consulting, hours", "transport, km", "office chairs", "diesel, litres"}

// genInvoice draws an invoice of one to three lines between two accounts,
// issued between 2015 and 2025, with its amounts computed as the invoice
// module computes them.
func genInvoice(rng *rand.Rand, i int, account func() string) []string {
	issuer, buyer := distinct(account)
	day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(4000))
	var lines []string
	var net, tax int64
	for range 1 + rng.IntN(3) {
		q := int64(500 * (1 + rng.IntN(40)))
		price := int64(100 + rng.IntN(1_000_000))
		rate := []int64{0, 1000, 2000}[rng.IntN(3)]
		n := (q*price + 500) / 1000
		t := (n*rate + 5000) / 10000
		net, tax = net+n, tax+t
		lines = append(lines, fmt.Sprintf("%s|%d|%d|%d|%d|%d", goods[rng.IntN(len(goods))], q, price, n, rate, t))
	}
	number := fmt.Sprintf("INV-%08d", i)
	doc := sha256.Sum256([]byte("invoice " + issuer + " " + number))
	return []string{issuer, number, buyer, day.Format(time.DateOnly), "BYN", strings.Join(lines, ";"),
		strconv.FormatInt(net, 10), strconv.FormatInt(tax, 10), strconv.FormatInt(net+tax, 10), hex.EncodeToString(doc[:])}
}

// genLiens draws one or two liens of banks from a pool of eight.
func genLiens(rng *rand.Rand, seed uint64) string {
	var out []string
	for range 1 + rng.IntN(2) {
		h := sha256.Sum256(fmt.Appendf(nil, "bank-%d-%d", seed, rng.IntN(8)))
		day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(9000))
		out = append(out, fmt.Sprintf("%x:%d:BYN:%s", h[:20], 100_000*(10+rng.IntN(5000)), day.Format(time.DateOnly)))
	}
	if len(out) == 2 && out[0] == out[1] {
		out = out[:1]
	}
	return strings.Join(out, ";")
}

// genInvoiceLife draws what happened to an invoice issued on issued: an
// acknowledgement, a claim by one of eight insurers, or both (the
// columns acknowledged, claimed, claimant, claim_reference).
func genInvoiceLife(rng *rand.Rand, seed uint64, issued string) []string {
	day, _ := time.Parse(time.DateOnly, issued)
	out := []string{"", "", "", ""}
	kind := rng.IntN(3)
	if kind != 1 {
		out[0] = day.AddDate(0, 0, rng.IntN(30)).Format(time.DateOnly)
	}
	if kind != 0 {
		h := sha256.Sum256(fmt.Appendf(nil, "insurer-%d-%d", seed, rng.IntN(8)))
		out[1] = day.AddDate(0, 0, rng.IntN(90)).Format(time.DateOnly)
		out[2] = hex.EncodeToString(h[:20])
		out[3] = fmt.Sprintf("CLM-%07d", rng.IntN(10_000_000))
	}
	return out
}

func distinct(account func() string) (string, string) {
	a, b := account(), account()
	for b == a {
		b = account()
	}
	return a, b
}

func genVehicle(rng *rand.Rand, i int, account func() string) []string {
	vin := make([]byte, 17)
	for j := range vin {
		vin[j] = vinChars[rng.IntN(len(vinChars))]
	}
	// The serial part (positions 12-17) is the row number, so VINs differ.
	copy(vin[11:], fmt.Sprintf("%06d", i%1000000))
	vin[10] = vinChars[(i/1000000)%len(vinChars)]
	scheme := vehicle.SchemeNone
	if rng.IntN(3) == 0 {
		vin[0] = "12345"[rng.IntN(5)]
		scheme = vehicle.SchemeNorthAmerican
		vin[8] = vehicle.VINCheckDigit(string(vin))
	} else {
		vin[0] = "WVZJKSLTY"[rng.IntN(9)]
	}
	mk := makes[rng.IntN(len(makes))]
	plate := fmt.Sprintf("%04d-%s%s-%d", i%10000, string(rune('A'+(i/10000)%26)), string(rune('A'+(i/260000)%26)), 1+(i/6760000)%7)
	tax := ""
	if rng.IntN(10) == 0 {
		tax = account()
	}
	return []string{string(vin), scheme, mk[0], mk[1], strconv.Itoa(1995 + rng.IntN(31)), colours[rng.IntN(len(colours))],
		plate, account(), tax, strconv.Itoa(rng.IntN(400000))}
}

// genCreditNotes draws one or two credit notes against the invoice of row
// i (its fields f), each crediting part of the quantity of a different
// line at the line's price and rate, dated within 120 days of the issue:
// the credit_notes column, as formatCreditNotes writes it.
func genCreditNotes(rng *rand.Rand, i int, f []string) string {
	issued, _ := time.Parse(time.DateOnly, f[3])
	lines, err := parseLines("lines", f[5])
	if err != nil {
		return ""
	}
	var notes []invoice.ImportedCreditNote
	for k, j := range rng.Perm(len(lines))[:1+rng.IntN(min(2, len(lines)))] {
		l := lines[j]
		if l.Quantity < 1000 {
			continue
		}
		q := 500 * (1 + rng.Int64N(l.Quantity/500-1))
		n := (q*l.UnitPrice + 500) / 1000
		t := (n*l.TaxRateBP + 5000) / 10000
		number := fmt.Sprintf("CN-%08d-%d", i, k+1)
		notes = append(notes, invoice.ImportedCreditNote{
			Number: number, Time: issued.AddDate(0, 0, rng.IntN(120)), Reason: creditReasons[rng.IntN(len(creditReasons))],
			Lines:    []invoice.Line{{Description: l.Description, Quantity: q, UnitPrice: l.UnitPrice, NetAmount: n, TaxRateBP: l.TaxRateBP, TaxAmount: t}},
			NetTotal: n, TaxTotal: t, GrossTotal: n + t, DocumentHash: sha256.Sum256([]byte("credit note " + f[0] + " " + number)),
		})
	}
	slices.SortStableFunc(notes, func(a, b invoice.ImportedCreditNote) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Number, b.Number)
	})
	return formatCreditNotes(notes)
}

var creditReasons = []string{"goods returned", "price corrected", "quantity delivered short", "damaged in transport"}
