package legacy

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// smallSorts makes every sorter spill after about budget bytes for the
// test's duration, so that runs on disk and their merge are exercised.
func smallSorts(t *testing.T, budget int) {
	old := sortBudget
	sortBudget = budget
	t.Cleanup(func() { sortBudget = old })
}

func TestSorterMergesRunsInOrder(t *testing.T) {
	smallSorts(t, 4<<10)
	s := newSorter(t.TempDir(), sortBudget)
	rng := rand.New(rand.NewPCG(1, 2))
	type rec struct {
		key     string
		seq     uint64
		payload string
	}
	var want []rec
	for i := range 5000 {
		// Keys shorter than, as long as and longer than the 16 bytes a
		// record's sort compares first; some equal there and differing
		// after, some differing only by trailing zero bytes.
		key := fmt.Sprintf("k%03d", rng.IntN(700))
		switch rng.IntN(3) {
		case 0:
			key = fmt.Sprintf("/sixteen-bytes-/%03d", rng.IntN(300))[:16+rng.IntN(4)]
		case 1:
			key += strings.Repeat("\x00", rng.IntN(14))
		}
		r := rec{key: key, seq: uint64(i), payload: fmt.Sprint(rng.Uint64())}
		want = append(want, r)
		require.NoError(t, s.add([]byte(r.key), r.seq, []byte(r.payload)))
	}
	require.NoError(t, s.finish())
	require.Greater(t, len(s.runs), 10, "the test must spill runs")
	// A second sorter in the same directory (a load's rows and its
	// writes) keeps its runs apart.
	other := newSorter(s.dir, sortBudget)
	for i := range 3000 {
		require.NoError(t, other.add([]byte(fmt.Sprintf("z%05d", i)), 0, []byte("other")))
	}
	require.NoError(t, other.finish())
	require.Greater(t, len(other.runs), 5)
	defer other.close()
	slices.SortFunc(want, func(a, b rec) int {
		if c := bytes.Compare([]byte(a.key), []byte(b.key)); c != 0 {
			return c
		}
		return int(a.seq) - int(b.seq)
	})
	for range 2 { // a sorter can be read more than once
		st, err := s.open()
		require.NoError(t, err)
		var got []rec
		for st.next() {
			r := st.record()
			got = append(got, rec{key: string(r.key), seq: r.seq, payload: string(r.payload)})
		}
		require.NoError(t, st.err)
		require.NoError(t, st.close())
		require.Equal(t, want, got)
	}
	runs := s.runs
	require.NoError(t, s.close())
	for _, r := range runs {
		_, err := os.Stat(r)
		require.ErrorIs(t, err, os.ErrNotExist, "close removes the runs")
	}
}

// A run damaged on disk (cut short, or a block's bytes changed) fails the
// stream reading it with an error; it neither panics nor yields records
// that were not added.
func TestSorterRefusesDamagedRuns(t *testing.T) {
	smallSorts(t, 64<<10)
	for _, damage := range []string{"cut", "garbled", "huge block"} {
		t.Run(damage, func(t *testing.T) {
			s := newSorter(t.TempDir(), sortBudget)
			defer s.close()
			for i := range 4000 {
				require.NoError(t, s.add(fmt.Appendf(nil, "key-%05d", i), uint64(i), []byte(strings.Repeat("payload ", 8))))
			}
			require.NoError(t, s.finish())
			require.NotEmpty(t, s.runs)
			run := s.runs[0]
			b, err := os.ReadFile(run)
			require.NoError(t, err)
			switch damage {
			case "cut":
				b = b[:len(b)/2]
			case "garbled":
				for i := 8; i < len(b); i += 7 {
					b[i] ^= 0x5a
				}
			case "huge block":
				b = binary.AppendUvarint(nil, 1<<40)
			}
			require.NoError(t, os.WriteFile(run, b, 0o600))
			st, err := s.open()
			if err == nil {
				for st.next() {
					require.True(t, bytes.HasPrefix(st.record().key, []byte("key-")), "a record that was not added")
				}
				err = st.err
				st.close()
			}
			require.ErrorContains(t, err, "legacy: sorter")
		})
	}
}

// sequential executes rows one after another on one branch over base, as
// a chain would: the state a lean load must reproduce, and the rows it
// keeps.
func sequential(t *testing.T, reg *Registry, base state.KV, rows [][]byte, o Origin) ([]core.KVPair, []bool) {
	t.Helper()
	var kept []bool
	for _, row := range rows {
		b := state.NewBranch(base)
		if err := execRow(b, reg, row, o); err != nil {
			b.Discard()
			kept = append(kept, false)
			continue
		}
		require.NoError(t, b.Write())
		kept = append(kept, true)
	}
	return pairsOf(t, base), kept
}

func pairsOf(t *testing.T, r state.Reader) []core.KVPair {
	t.Helper()
	it, err := r.Iterator(nil, nil, true)
	require.NoError(t, err)
	return drain(t, it)
}

// mergedPairs is a finished lean load's state.
func mergedPairs(t *testing.T, l *leanLoad) []core.KVPair {
	t.Helper()
	it, err := l.merged()
	require.NoError(t, err)
	return drain(t, it)
}

// drain reads every pair of it and closes it.
func drain(t *testing.T, it state.Iterator) []core.KVPair {
	t.Helper()
	var out []core.KVPair
	for ; it.Valid(); it.Next() {
		out = append(out, core.KVPair{Key: bytes.Clone(it.Key()), Value: bytes.Clone(it.Value())})
	}
	require.NoError(t, it.Error())
	require.NoError(t, it.Close())
	return out
}

// genesisFor is a base state where signer holds reg's role.
func genesisFor(t *testing.T, reg *Registry, signer core.Address) *state.Branch {
	g := state.NewBranch(state.Empty{})
	require.NoError(t, core.SetJSON(g, core.RoleGrantKey(signer, reg.Role), core.RoleGrant{Account: signer, Role: reg.Role, Agency: "import"}))
	return g
}

// The lean load gives, key for key, the state executing the rows in order
// on one store gives, on every registry, with malformed and refused rows,
// shared owners and plates, liens, and runs spilled to disk.
func TestLeanLoadEqualsSequentialExecution(t *testing.T) {
	smallSorts(t, 64<<10)
	signer := core.Address{0x1e, 0x6a}
	o := Origin{Signer: signer, ChainID: "lean", Height: 1, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, reg := range Registries {
		t.Run(reg.Name, func(t *testing.T) {
			cfg := GenConfig{Rows: 3000, Seed: 7, BadEvery: 41}
			if reg == Parcels {
				cfg.LiensEvery = 3
			}
			var buf bytes.Buffer
			require.NoError(t, Generate(&buf, reg, FormatCSV, cfg))
			if reg == Persons { // the civil registry's own dump, committed
				var dump, salts bytes.Buffer
				_, _, err := Commit(context.Background(), &buf, &dump, &salts, rand.NewChaCha8([32]byte{9}))
				require.NoError(t, err)
				buf = dump
			}
			d, err := Canonicalise(context.Background(), &buf, reg, FormatCSV, nil)
			require.NoError(t, err)
			require.NotEmpty(t, d.Rejects)

			want, wantKept := sequential(t, reg, genesisFor(t, reg, signer), d.Rows, o)
			for _, parallel := range []bool{false, true} {
				l, err := newLeanLoad(genesisFor(t, reg, signer), t.TempDir())
				require.NoError(t, err)
				defer l.Close()
				l.begin("dump")
				var kept []bool
				for _, row := range d.Rows {
					if parallel {
						require.NoError(t, l.submit(reg, row, o, func(refusal error) error {
							kept = append(kept, refusal == nil)
							return nil
						}))
						continue
					}
					refusal, err := l.exec(reg, row, o)
					require.NoError(t, err)
					kept = append(kept, refusal == nil)
				}
				require.NoError(t, l.finish(!parallel))
				require.Greater(t, len(l.writes.runs), 2, "the test must spill runs")
				require.Equal(t, wantKept, kept)
				require.Equal(t, len(want), l.Len())
				require.Equal(t, want, mergedPairs(t, l))
				if parallel && reg != Persons {
					require.Positive(t, l.again, "rows in flight together must have read a shared key another changed")
				}
			}
		})
	}
}

// A registry whose rows share a key it does not declare cannot load: the
// merge names the two rows, whether both wrote the key or the later one
// only read it.
func TestLeanLoadRefusesUndeclaredSharedKeys(t *testing.T) {
	signer := core.Address{0x1e, 0x6a}
	o := Origin{Signer: signer, ChainID: "lean", Height: 1, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	undeclared := *Parcels
	undeclared.shared = nil
	saved := Parcels.shared
	Parcels.shared = nil // sharedPrefixes reads the registries' list
	t.Cleanup(func() { Parcels.shared = saved })

	var buf bytes.Buffer
	require.NoError(t, Generate(&buf, Parcels, FormatCSV, GenConfig{Rows: 200, Seed: 3}))
	d, err := Canonicalise(context.Background(), &buf, Parcels, FormatCSV, nil)
	require.NoError(t, err)
	for _, check := range []bool{true, false} {
		l, err := newLeanLoad(genesisFor(t, Parcels, signer), t.TempDir())
		require.NoError(t, err)
		defer l.Close()
		l.begin("parcels.csv")
		for _, row := range d.Rows {
			require.NoError(t, l.submit(&undeclared, row, o, func(error) error { return nil }))
		}
		err = l.finish(check)
		if !check { // the check happens as the state is read
			require.NoError(t, err)
			it, merr := l.merged()
			require.NoError(t, merr)
			for it.Valid() {
				it.Next()
			}
			err = it.Error()
			require.NoError(t, it.Close())
		}
		require.Error(t, err)
		require.Regexp(t, `canonical row \d+ of parcels\.csv (and canonical row \d+ of parcels\.csv both write|reads) key`, err.Error())
	}
}

// Prepare, which streams, gives what Canonicalise then Settle give, which
// hold the dump in memory: hash, root, rows, every reject in line order,
// and the same canonical file.
func TestPrepareEqualsCanonicaliseAndSettle(t *testing.T) {
	smallSorts(t, 32<<10)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, reg := range []*Registry{Parcels, Vehicles, Invoices} {
		t.Run(reg.Name, func(t *testing.T) {
			cfg := GenConfig{Rows: 2000, Seed: 11, BadEvery: 29}
			if reg == Parcels {
				cfg.LiensEvery = 5
			}
			var dump bytes.Buffer
			require.NoError(t, Generate(&dump, reg, FormatCSV, cfg))
			if reg == Vehicles { // a plate taken twice: refused by the module, not by the parser
				lines := bytes.Split(dump.Bytes(), []byte("\n"))
				f1, f2 := bytes.Split(lines[1], []byte(",")), bytes.Split(lines[2], []byte(","))
				f2[6] = f1[6]
				lines[2] = bytes.Join(f2, []byte(","))
				dump = *bytes.NewBuffer(bytes.Join(lines, []byte("\n")))
			}
			d, err := Canonicalise(context.Background(), bytes.NewReader(dump.Bytes()), reg, FormatCSV, nil)
			require.NoError(t, err)
			require.NoError(t, d.Settle(context.Background(), at, nil))
			var wantCanon bytes.Buffer
			require.NoError(t, d.WriteCanonical(&wantCanon))

			var canon bytes.Buffer
			p, err := Prepare(context.Background(), bytes.NewReader(dump.Bytes()), reg, FormatCSV,
				PrepareOptions{At: at, Work: t.TempDir(), Canonical: &canon})
			require.NoError(t, err)
			require.Equal(t, d.SHA256, p.SHA256)
			require.Equal(t, d.Root(), p.Root)
			require.Equal(t, d.Read, p.Read)
			require.Equal(t, len(d.Rows), p.Rows)
			require.Equal(t, d.Rejects, p.Rejects)
			require.Equal(t, wantCanon.String(), canon.String())
			require.NotEmpty(t, p.Rejects)
			if reg == Vehicles {
				require.True(t, slices.ContainsFunc(p.Rejects, func(r Reject) bool { return r.Code == CodeRefused }))
			}
		})
	}
}

// pairKeys are two shared keys that every tornRegistry row updates in one
// write; a state made by rows in order always holds them equal.
var pairKeys = [2][]byte{{0xfe, 0x01, 'a'}, {0xfe, 0x01, 'b'}}

// pairMsg reads both pair keys, pausing between the reads, and panics if
// they differ: a read torn across a commit, which only a speculative run
// can see. It then increments both and writes its own key.
type pairMsg struct{ id string }

func (pairMsg) Type() string    { return "test/pair" }
func (pairMsg) Validate() error { return nil }
func (m pairMsg) Exec(ctx *core.Context) error {
	a, err := ctx.KV.Get(pairKeys[0])
	if err != nil {
		return err
	}
	time.Sleep(20 * time.Microsecond)
	b, err := ctx.KV.Get(pairKeys[1])
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) {
		panic("legacy test: a torn read of the pair")
	}
	var n uint64
	if a != nil {
		n = binary.BigEndian.Uint64(a)
	}
	next := state.Uint64(n + 1)
	if err := ctx.KV.Set(pairKeys[0], next); err != nil {
		return err
	}
	if err := ctx.KV.Set(pairKeys[1], next); err != nil {
		return err
	}
	return ctx.KV.Set(append([]byte{0xfe, 0x02}, m.id...), next)
}

// A speculative run that panics on a torn read of shared keys is run
// again in order at its commit; the state is that of the rows in order.
func TestLeanLoadRunsAgainARowWhoseSpeculativeRunPanicked(t *testing.T) {
	reg := &Registry{Name: "pairs", Columns: []string{"id"},
		parse: func(f []string) (core.Msg, string, error) { return pairMsg{id: f[0]}, f[0], nil }}
	var rows [][]byte
	for i := range 1000 {
		rows = append(rows, []byte(fmt.Sprintf("row-%05d", i)))
	}
	o := Origin{ChainID: "pairs", Height: 1, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	want, _ := sequential(t, reg, state.NewBranch(state.Empty{}), rows, o)
	for attempt := 0; ; attempt++ {
		l, err := newLeanLoad(state.NewBranch(state.Empty{}), t.TempDir())
		require.NoError(t, err)
		l.prefixes = [][]byte{{0xfe, 0x01}}
		l.begin("pairs")
		for _, row := range rows {
			require.NoError(t, l.submit(reg, row, o, func(refusal error) error { return refusal }))
		}
		require.NoError(t, l.finish(true))
		require.Equal(t, want, mergedPairs(t, l))
		require.NoError(t, l.Close())
		if l.panics > 0 {
			return
		}
		require.Less(t, attempt, 5, "no speculative run saw a torn read in 6 loads of 1,000 rows")
	}
}
