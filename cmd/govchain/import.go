package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/verify"
)

// Flags of govchain import.
const (
	flagRows        = "rows"
	flagSeed        = "seed"
	flagBadEvery    = "bad-every"
	flagLiensEvery  = "liens-every"
	flagLifeEvery   = "life-every"
	flagCreditEvery = "credit-every"
	flagRejects     = "rejects"
	flagCanonical   = "canonical"
	flagGenesisTime = "genesis-time"
	flagSigner      = "signer"
	flagID          = "id"
	flagSalts       = "salts"
)

// importDir is where a node keeps the dumps its genesis names.
func importDir(home string) string { return filepath.Join(home, "import") }

func (c *cli) importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Move a legacy registry's dump onto a new chain (path A) or a running one (path B)",
		Long: `A legacy dump (one CSV or JSON Lines file per registry, docs/import.md)
becomes part of a new chain's initial state. The genesis names the dump by
its SHA-256 and the Merkle root of its canonical rows; every validator keeps
its own copy in <home>/import/ and builds the same state from it when the
chain starts. A node whose copy differs, or that has none, does not start.

  govchain import generate parcels --rows 1000 --out parcels.csv
  govchain import commit civil.csv --out persons.csv --salts persons.salts.csv
  govchain import prepare parcels parcels.csv
  govchain import genesis parcels parcels.csv --signer ADDR --agency-id justice
  govchain import prove parcels parcels.csv --id BY-01-00000000
  govchain import certify parcels parcels.csv --id BY-01-00000000 --out migration.json
  govchain import verify migration.json --trust genesis.json
  govchain import send parcels parcels.csv --from importer --node URL`,
	}
	cmd.AddCommand(c.importGenerateCmd(), c.importCommitCmd(), c.importPrepareCmd(), c.importGenesisCmd(), c.importProveCmd(),
		c.importCertifyCmd(), c.importVerifyCmd(), c.importSendCmd())
	return cmd
}

func registryArg(name string) (*legacy.Registry, error) { return legacy.RegistryByName(name) }

func (c *cli) importGenerateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "generate REGISTRY --rows N --out FILE",
		Short: "Write a realistic sample dump (parcels or vehicles), the same for the same seed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := registryArg(args[0])
			if err != nil {
				return err
			}
			out := c.v.GetString(flagOut)
			format, err := legacy.FormatOf(out)
			if err != nil {
				return fmt.Errorf("--%s: %w", flagOut, err)
			}
			rows, bad, liens, life, credits := c.v.GetInt(flagRows), c.v.GetInt(flagBadEvery), c.v.GetInt(flagLiensEvery), c.v.GetInt(flagLifeEvery), c.v.GetInt(flagCreditEvery)
			if rows < 0 || bad < 0 || liens < 0 || life < 0 || credits < 0 {
				return fmt.Errorf("--%s, --%s, --%s, --%s and --%s must not be negative", flagRows, flagBadEvery, flagLiensEvery, flagLifeEvery, flagCreditEvery)
			}
			if liens > 0 && reg != legacy.Parcels {
				return fmt.Errorf("--%s: only parcels have liens", flagLiensEvery)
			}
			if life > 0 && reg != legacy.Invoices {
				return fmt.Errorf("--%s: only invoices are acknowledged and claimed", flagLifeEvery)
			}
			if credits > 0 && reg != legacy.Invoices {
				return fmt.Errorf("--%s: only invoices have credit notes", flagCreditEvery)
			}
			return writeFileAtomic(out, func(w io.Writer) error {
				return legacy.Generate(w, reg, format, legacy.GenConfig{Rows: rows, Seed: c.v.GetUint64(flagSeed), BadEvery: bad,
					LiensEvery: liens, LifeEvery: life, CreditEvery: credits})
			})
		},
	}
	f := cmd.Flags()
	f.Int(flagRows, 1000, "number of rows")
	f.Uint64(flagSeed, 1, "seed: the same seed writes the same dump")
	f.Int(flagBadEvery, 0, "make every Nth row malformed (0: none)")
	f.Int(flagLiensEvery, 0, "give every Nth parcel one or two liens (0: none, and no liens column)")
	f.Int(flagLifeEvery, 0, "acknowledge or claim every Nth invoice, or both (0: none, and no such columns)")
	f.Int(flagCreditEvery, 0, "give every Nth invoice one or two credit notes (0: none, and no credit_notes column)")
	f.String(flagOut, "", "the dump to write; .csv or .jsonl")
	_ = cmd.MarkFlagRequired(flagOut)
	return cmd
}

// prepared is what prepare prints.
type prepared struct {
	Registry string         `json:"registry"`
	File     string         `json:"file"`
	SHA256   string         `json:"sha256"`
	Root     string         `json:"root"`
	Read     int            `json:"read"`
	Rows     int            `json:"rows"`
	Rejected int            `json:"rejected"`
	ByCode   map[string]int `json:"rejected_by_code"`
	Rejects  string         `json:"rejects_file"`
	Seconds  float64        `json:"seconds"`
}

// prepareChainDump prepares the dump at path as the chain behind cl
// canonicalised it: at its genesis time. It returns the dump and the
// chain's id.
func (c *cli) prepareChainDump(ctx context.Context, cl *client.Client, reg *legacy.Registry, path string) (*legacy.Dump, string, error) {
	genesis, err := cl.RPC().Genesis(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("node %s: genesis: %w", cl.Remote(), err)
	}
	d, err := c.prepareDump(ctx, reg, path, genesis.Genesis.GenesisTime.UTC())
	if err != nil {
		return nil, "", err
	}
	return d, genesis.Genesis.ChainID, nil
}

// openDump opens the dump at path for reading with a progress line on
// stderr: its format, a reader that counts the bytes read, and the
// progress line, sized to the file.
func (c *cli) openDump(path string) (*os.File, legacy.Format, *countingReader, *progress, error) {
	format, err := legacy.FormatOf(path)
	if err != nil {
		return nil, "", nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, nil, err
	}
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	return f, format, &countingReader{r: f}, newProgress(c.errOut, "read "+filepath.Base(path), size), nil
}

// prepareDump canonicalises and settles the dump at path with progress on
// stderr.
func (c *cli) prepareDump(ctx context.Context, reg *legacy.Registry, path string, at time.Time) (*legacy.Dump, error) {
	f, format, cr, p, err := c.openDump(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := legacy.Canonicalise(ctx, cr, reg, format, func(read, rejected int) { p.update(read, rejected, cr.n) })
	if err != nil {
		p.abandon()
		return nil, err
	}
	p.done()
	s := newProgress(c.errOut, "check "+filepath.Base(path), 0)
	s.total = len(d.Rows)
	if err := d.Settle(ctx, at, func(done int) { s.update(done, len(d.Rejects), 0) }); err != nil {
		s.abandon()
		return nil, err
	}
	s.done()
	return d, nil
}

// prepareStream canonicalises and settles the dump at path in bounded
// memory (legacy.Prepare), with progress on stderr; canonical, if not
// nil, receives the canonical dump.
func (c *cli) prepareStream(ctx context.Context, reg *legacy.Registry, path string, at time.Time, canonical io.Writer) (*legacy.Prepared, error) {
	f, format, cr, p, err := c.openDump(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var s *progress
	rejected := 0
	prep, err := legacy.Prepare(ctx, cr, reg, format, legacy.PrepareOptions{At: at, Canonical: canonical,
		Read: func(read, rej int) { rejected = rej; p.update(read, rej, cr.n) },
		Checked: func(done, of int) {
			if s == nil {
				p.done()
				s = newProgress(c.errOut, "check "+filepath.Base(path), 0)
				s.total = of
			}
			s.update(done, rejected, 0)
		}})
	if err != nil {
		if s != nil {
			s.abandon()
		} else {
			p.abandon()
		}
		return nil, err
	}
	if s == nil {
		p.done()
	} else {
		s.done()
	}
	return prep, nil
}

// dumpOfArgs prepares the dump of args (REGISTRY DUMP) at importTime.
func (c *cli) dumpOfArgs(ctx context.Context, args []string) (*legacy.Registry, *legacy.Dump, error) {
	reg, err := registryArg(args[0])
	if err != nil {
		return nil, nil, err
	}
	at, err := c.importTime()
	if err != nil {
		return nil, nil, err
	}
	d, err := c.prepareDump(ctx, reg, args[1], at)
	return reg, d, err
}

// importTime is --genesis-time, or now.
func (c *cli) importTime() (time.Time, error) {
	s := c.v.GetString(flagGenesisTime)
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("--%s: %q is not an RFC 3339 time", flagGenesisTime, s)
	}
	return t.UTC(), nil
}

func (c *cli) importPrepareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prepare REGISTRY DUMP",
		Short: "Canonicalise a dump: print its SHA-256, Merkle root and totals, write its rejected rows",
		Long: `Read DUMP (.csv or .jsonl), set aside every row that does not map to a valid
record (with its line, a code and a reason), sort and normalise the rest, and
print the dump's SHA-256 and the Merkle root over its canonical rows. The
rejected rows are written as CSV to --rejects (default DUMP.rejected.csv);
--canonical also writes the canonical dump. Records are checked as created
at --genesis-time (default now): a model year after the next year is refused.
On a terminal a progress line shows rows per second and the rows set aside;
otherwise plain lines. Ctrl-C stops it, writing nothing.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			reg, err := registryArg(args[0])
			if err != nil {
				return err
			}
			at, err := c.importTime()
			if err != nil {
				return err
			}
			rejects := c.v.GetString(flagRejects)
			if rejects == "" {
				rejects = args[1] + ".rejected.csv"
			}
			var d *legacy.Prepared
			prep := func(canonical io.Writer) error {
				var err error
				d, err = c.prepareStream(cmd.Context(), reg, args[1], at, canonical)
				return err
			}
			if canon := c.v.GetString(flagCanonical); canon != "" {
				err = writeFileAtomic(canon, prep)
			} else {
				err = prep(nil)
			}
			if err != nil {
				return err
			}
			if err := writeFileAtomic(rejects, func(w io.Writer) error { return legacy.WriteRejects(w, d.Rejects) }); err != nil {
				return err
			}
			res := prepared{Registry: reg.Name, File: args[1], SHA256: hex.EncodeToString(d.SHA256[:]),
				Root: hex.EncodeToString(d.Root), Read: d.Read, Rows: d.Rows, Rejected: len(d.Rejects),
				ByCode: map[string]int{}, Rejects: rejects, Seconds: time.Since(start).Seconds()}
			for _, r := range d.Rejects {
				res.ByCode[r.Code]++
			}
			return c.printPrepared(res)
		},
	}
	f := cmd.Flags()
	f.String(flagRejects, "", "CSV of the rejected rows (default DUMP.rejected.csv)")
	f.String(flagCanonical, "", "also write the canonical dump here")
	f.String(flagGenesisTime, "", "the time the records are created at, RFC 3339 (default now)")
	return cmd
}

func (c *cli) printPrepared(p prepared) error {
	if c.jsonOutput() {
		p.Seconds = 0
		return c.printJSON(p)
	}
	codes := make([]string, 0, len(p.ByCode))
	for k := range p.ByCode {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	var by []string
	for _, k := range codes {
		by = append(by, fmt.Sprintf("%s %d", k, p.ByCode[k]))
	}
	rejected := strconv.Itoa(p.Rejected)
	if len(by) > 0 {
		rejected += " (" + strings.Join(by, ", ") + ")"
	}
	_, err := fmt.Fprintf(c.out, "registry  %s\nfile      %s\nsha256    %s\nroot      %s\nread      %d\nrows      %d\nrejected  %s\nrejects   %s\n",
		p.Registry, p.File, p.SHA256, p.Root, p.Read, p.Rows, rejected, p.Rejects)
	return err
}

func (c *cli) importGenesisCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "genesis REGISTRY DUMP --signer ACCOUNT --agency-id ID",
		Short: "Name a dump in this home's genesis.json and keep a copy in <home>/import/",
		Long: `Prepare DUMP at the genesis time and write into <home>/config/genesis.json
an import entry naming it by SHA-256, root and row count; grant --signer the
registry's role on behalf of --agency-id if genesis does not already; set
initial_height to 2 (the imported state is height 1). The dump is copied to
<home>/import/. Give every validator this genesis.json and a copy of the
dump in its own <home>/import/ before it starts.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := registryArg(args[0])
			if err != nil {
				return err
			}
			signer, err := core.ParseAddress(c.v.GetString(flagSigner))
			if err != nil {
				return fmt.Errorf("--%s: %w", flagSigner, err)
			}
			home := c.home()
			gpath := filepath.Join(home, "config", "genesis.json")
			doc, err := cmtypes.GenesisDocFromFile(gpath)
			if err != nil {
				return fmt.Errorf("genesis %s: %w", gpath, err)
			}
			g, err := app.ParseGenesis(doc.AppState)
			if err != nil {
				return fmt.Errorf("genesis %s: %w", gpath, err)
			}
			for _, r := range g.Import {
				if r.File == filepath.Base(args[1]) {
					return fmt.Errorf("genesis %s already names a dump %s", gpath, r.File)
				}
			}
			d, err := c.prepareStream(cmd.Context(), reg, args[1], doc.GenesisTime.UTC(), nil)
			if err != nil {
				return err
			}
			ref := d.Ref(args[1], signer)
			g.Import = append(g.Import, ref)
			if !hasGrant(g, signer, reg.Role) {
				g.Roles = append(g.Roles, app.GenesisRole{Account: signer, Role: reg.Role, Agency: c.v.GetString(flagAgency)})
			}
			if err := g.Validate(); err != nil {
				return fmt.Errorf("genesis %s: %w", gpath, err)
			}
			if doc.AppState, err = g.MarshalIndent(); err != nil {
				return err
			}
			doc.InitialHeight = app.ImportHeight + 1
			if err := os.MkdirAll(importDir(home), 0o755); err != nil {
				return err
			}
			if err := copyFile(args[1], filepath.Join(importDir(home), ref.File)); err != nil {
				return err
			}
			if err := doc.SaveAs(gpath); err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(ref)
			}
			_, err = fmt.Fprintf(c.out, "genesis %s names %s: sha256 %s, root %s, %d rows, %d rejected\n",
				gpath, ref.File, ref.SHA256, ref.Root, ref.Rows, len(d.Rejects))
			return err
		},
	}
	f := cmd.Flags()
	f.String(flagSigner, "", "account the records are registered by (40 hex digits)")
	f.String(flagAgency, "", "agency granting --signer the registry's role, if genesis does not")
	_ = cmd.MarkFlagRequired(flagSigner)
	addHomeFlag(cmd)
	return cmd
}

func hasGrant(g *app.Genesis, a core.Address, role core.Role) bool {
	for _, r := range g.Roles {
		if r.Account == a && r.Role == role {
			return true
		}
	}
	return false
}

// rowProof is what import prove prints: a row, its place and the Merkle
// path from it to the dump's root (CometBFT's merkle.Proof).
type rowProof struct {
	Registry string   `json:"registry"`
	SHA256   string   `json:"sha256"`
	Root     string   `json:"root"`
	Index    int64    `json:"index"`
	Total    int64    `json:"total"`
	Row      string   `json:"row"`
	LeafHash string   `json:"leaf_hash"`
	Aunts    []string `json:"aunts"`
}

func (c *cli) importProveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prove REGISTRY DUMP --id ID",
		Short: "Print the proof that the record ID is row N of the dump with root R",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, d, err := c.dumpOfArgs(cmd.Context(), args)
			if err != nil {
				return err
			}
			p, err := proveID(d, args[1], c.v.GetString(flagID))
			if err != nil {
				return err
			}
			out := rowProof{Registry: reg.Name, SHA256: hex.EncodeToString(d.SHA256[:]), Root: hex.EncodeToString(d.Root()),
				Index: p.Proof.Index, Total: p.Proof.Total, Row: string(p.Row), LeafHash: hex.EncodeToString(p.Proof.LeafHash)}
			for _, a := range p.Proof.Aunts {
				out.Aunts = append(out.Aunts, hex.EncodeToString(a))
			}
			return c.printJSON(out)
		},
	}
	f := cmd.Flags()
	f.String(flagID, "", "the record's id (parcel id, VIN, person id, or ISSUER/NUMBER of an invoice or of one of its credit notes)")
	f.String(flagGenesisTime, "", "the time the records are created at, RFC 3339 (default now)")
	_ = cmd.MarkFlagRequired(flagID)
	return cmd
}

// writeFileAtomic writes path through a temporary file renamed into
// place, so that an interrupted write leaves nothing.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	return writeFileAtomic(to, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	})
}

// proveID returns the proof of the canonical row with id, or of the row
// that lists it (an invoice's credit note).
func proveID(d *legacy.Dump, file, id string) (*legacy.RowProof, error) {
	i, ok := d.Index(id)
	if !ok {
		return nil, fmt.Errorf("%s has no canonical row with id %q", file, id)
	}
	return d.Prove(i)
}

func (c *cli) importCertifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "certify REGISTRY DUMP --id ID --out FILE",
		Short: "Export the certificate that record ID came from its row of the dump",
		Long: `Read DUMP (as the chain's genesis time checked it), find the canonical row of
ID and its Merkle path to the dump's root, and ask --node for certificates
of the record and of its origin at the height the record was imported at:
for a record of a new chain's initial state (path A, height 1), of
/chain/info, which names the dump by hash and root; for one imported by
import send (path B), of the dump's checkpoint at its batch's block. The
migration certificate is written to --out (- for stdout); govchain import
verify checks it offline.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := registryArg(args[0])
			if err != nil {
				return err
			}
			cl, err := c.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			d, _, err := c.prepareChainDump(ctx, cl, reg, args[1])
			if err != nil {
				return err
			}
			id := c.v.GetString(flagID)
			p, err := proveID(d, args[1], id)
			if err != nil {
				return err
			}
			latest, err := cl.Query(ctx, reg.RecordPath(id), client.QueryOptions{})
			if err != nil {
				return err
			}
			height, err := legacy.ImportedHeight(latest.Value)
			if err != nil {
				return fmt.Errorf("%s: %w", reg.RecordPath(id), err)
			}
			// A record of the initial state rests on the chain
			// information, one imported later on its dump's checkpoint
			// at its batch's height.
			originPath := "/chain/info"
			if height != app.ImportHeight {
				originPath = verify.CheckpointPath(hex.EncodeToString(d.Root()))
			}
			opts := client.CertificateOptions{Height: height}
			origin, err := cl.Certificate(ctx, originPath, opts)
			if err != nil {
				return err
			}
			record, err := cl.Certificate(ctx, reg.RecordPath(id), opts)
			if err != nil {
				return err
			}
			m := verify.Migration{Format: verify.MigrationFormat, Registry: reg.Name, Origin: origin, Record: record,
				Row: verify.RowProof{Index: p.Proof.Index, Total: p.Proof.Total, Row: string(p.Row)}}
			for _, a := range p.Proof.Aunts {
				m.Row.Aunts = append(m.Row.Aunts, a)
			}
			b, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			out := c.v.GetString(flagOut)
			if out == "-" {
				_, err := fmt.Fprintln(c.out, string(b))
				return err
			}
			if err := writeFileAtomic(out, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.out, "wrote migration certificate of %s (row %d of %d) to %s\n", reg.RecordPath(id), p.Proof.Index, p.Proof.Total, out)
			return err
		},
	}
	f := cmd.Flags()
	f.String(flagID, "", "the record's id (parcel id, VIN, person id, or ISSUER/NUMBER of an invoice or of one of its credit notes)")
	f.String(flagOut, "", "file to write (- for stdout)")
	_ = cmd.MarkFlagRequired(flagID)
	_ = cmd.MarkFlagRequired(flagOut)
	addNodeFlag(cmd)
	return cmd
}

func (c *cli) importVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify FILE --trust TRUST",
		Short: "Verify a migration certificate offline",
		Long: `Verify, with no network, that the record in FILE came from row N of the dump
the chain's genesis names: both certificates against --trust (genesis.json
or a validator-set file), the row's Merkle path to the dump's root as
/chain/info (path A) or the dump's checkpoint (path B) names it, and the
record equal to the row's mapping. Prints
  MIGRATED <path> from row N of M of <file> (sha256 S, root R)
(path B: ... of the <registry> dump with root R, imported at height H)
or exits 1 with the reason.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			trust, data, err := c.trustAndFile(args[0])
			if err != nil {
				return err
			}
			var m verify.Migration
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&m); err != nil {
				return fmt.Errorf("NOT VERIFIED: %s is not a migration certificate: %w", args[0], err)
			}
			res, err := verify.VerifyMigration(&m, trust, certKeys, legacy.MatchAt)
			if err != nil {
				return fmt.Errorf("NOT VERIFIED: %w", err)
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]any{"verified": true, "registry": res.Registry, "path": res.Record.Path,
					"file": res.File, "sha256": res.SHA256, "root": res.Root, "height": res.Height, "index": res.Index, "total": res.Total, "row": res.Row})
			}
			if res.File == "" {
				_, err = fmt.Fprintf(c.out, "MIGRATED %s from row %d of %d of the %s dump with root %s, imported at height %d\n",
					res.Record.Path, res.Index, res.Total, res.Registry, res.Root, res.Height)
				return err
			}
			_, err = fmt.Fprintf(c.out, "MIGRATED %s from row %d of %d of %s (sha256 %s, root %s)\n",
				res.Record.Path, res.Index, res.Total, res.File, res.SHA256, res.Root)
			return err
		},
	}
	cmd.Flags().String(flagTrust, "", "trusted genesis.json or validator-set file")
	return cmd
}

func (c *cli) importCommitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "commit CIVIL --out DUMP --salts FILE",
		Short: "Turn a civil registry's file into the persons dump: salted commitments, salts apart",
		Long: `Read the civil registry's CSV CIVIL (person_id, document_sha256, then one
column per personal attribute) and write the persons dump the chain imports
to --out: for each person, one salted commitment per attribute, with a fresh
32-byte salt each, and no personal value. The salts go to --salts
(person_id, attribute, salt), which stays with the civil registry and never
goes to the chain or to the other validators. Rows that cannot be read are
written to --rejects (default CIVIL.rejected.csv).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			out, saltsPath := c.v.GetString(flagOut), c.v.GetString(flagSalts)
			if out == "" || saltsPath == "" {
				return fmt.Errorf("--%s and --%s are required", flagOut, flagSalts)
			}
			var (
				rows    int
				rejects []legacy.Reject
			)
			err = writeFileAtomic(saltsPath, func(salts io.Writer) error {
				return writeFileAtomic(out, func(dump io.Writer) error {
					var err error
					rows, rejects, err = legacy.Commit(cmd.Context(), in, dump, salts, rand.Reader)
					return err
				})
			})
			if err != nil {
				return err
			}
			rj := c.v.GetString(flagRejects)
			if rj == "" {
				rj = args[0] + ".rejected.csv"
			}
			if err := writeFileAtomic(rj, func(w io.Writer) error { return legacy.WriteRejects(w, rejects) }); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.out, "committed %d persons to %s, salts in %s, %d rows set aside in %s\n", rows, out, saltsPath, len(rejects), rj)
			return err
		},
	}
	f := cmd.Flags()
	f.String(flagOut, "", "the persons dump to write (.csv)")
	f.String(flagSalts, "", "the salts file to write, for the civil registry only")
	f.String(flagRejects, "", "CSV of the rows set aside (default CIVIL.rejected.csv)")
	return cmd
}
