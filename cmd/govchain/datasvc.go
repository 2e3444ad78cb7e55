package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/verify"
)

// Flags of datasvc.
const (
	flagDB          = "db"
	flagSuite       = "suite"
	flagKeyID       = "key-id"
	flagClass       = "class"
	flagFile        = "file"
	flagListen      = "listen"
	flagAddressFile = "address-file"
	flagRequest     = "request"
	flagService     = "service"
	flagReceiptWait = "receipt-wait"
)

func (c *cli) datasvcCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "datasvc",
		Short: "Run an agency's data service, and fetch shared records from another's",
		Long: `An agency's data service keeps its restricted records in its own database
and serves them, sealed, to officials of other agencies whose access
requests the chain committed and allowed; the requesting agency runs the
same program to fetch and open them. The database is one SQLite file,
<home>/datasvc/datasvc.db (or --db), mode 0600: it holds the agency's HPKE
private keys and record values UNENCRYPTED, its permissions being their
only protection until keys at rest are encrypted (issue 14).

  keygen   make an HPKE key pair; its public key is registered on chain
           by the agency's admin (sharing/register_key)
  load     store records and commit their salted commitments on chain
  serve    answer payload requests over HTTP
  fetch    fetch a payload, check it against the chain, open it
  status   what the database holds
  erase    delete a record its agency erased on chain

Everything the service and fetch decide rests on proven reads of the
committed state. By default a proof is checked against the header the node
serves (as query --prove does); with --verify the header is also checked
against the validators' signatures, with the trust options of query
--verify (--trust FILE, or --trust-height, --trust-hash and --witness).`,
	}
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addNodeFlag(cmd)
	addVerifyFlags(cmd)
	pf := cmd.PersistentFlags()
	pf.String(flagDB, "", "the data service's database (default <home>/datasvc/datasvc.db)")
	pf.Duration(flagTimeout, 60*time.Second, "how long to wait for the node and for each block")
	cmd.AddCommand(c.datasvcKeygenCmd(), c.datasvcLoadCmd(), c.datasvcServeCmd(), c.datasvcFetchCmd(), c.datasvcStatusCmd(), c.datasvcEraseCmd())
	return cmd
}

// datasvcStore opens --db.
func (c *cli) datasvcStore() (*datasvc.Store, error) {
	path := c.v.GetString(flagDB)
	if path == "" {
		path = filepath.Join(c.home(), "datasvc", "datasvc.db")
	}
	return datasvc.Open(path)
}

// withDatasvc opens --db, the reader of the committed state (verifying
// headers with --verify) and the signer of --from, and runs fn with them.
func (c *cli) withDatasvc(ctx context.Context, fn func(st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error) error {
	key, err := c.signer()
	if err != nil {
		return err
	}
	defer client.CloseSigner(key)
	cl, err := c.client()
	if err != nil {
		return err
	}
	st, err := c.datasvcStore()
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := c.datasvcReader(ctx, cl)
	if err != nil {
		return err
	}
	sg, err := datasvc.NewSigner(ctx, cl, key)
	if err != nil {
		return err
	}
	sg.Wait = c.v.GetDuration(flagTimeout)
	return fn(st, r, sg)
}

// datasvcReader returns the node's reader, or with --verify a reader that
// verifies every answer as query --prove --verify does.
func (c *cli) datasvcReader(ctx context.Context, cl *client.Client) (datasvc.Reader, error) {
	if !c.v.GetBool(flagVerify) {
		return datasvc.NodeReader{Client: cl}, nil
	}
	trust, err := c.trustFromFlag()
	if err != nil {
		return nil, err
	}
	r := &certReader{cl: cl, wait: c.v.GetDuration(flagTimeout), trust: trust}
	if trust != nil {
		return r, nil
	}
	if c.v.GetInt64(flagTrustHeight) <= 0 {
		return nil, fmt.Errorf("--%s needs a trust root: --%s FILE, or --%s N --%s HEX and --%s URL",
			flagVerify, flagTrust, flagTrustHeight, flagTrustHash, flagWitness)
	}
	if r.light, err = c.newLightHeaders(ctx, cl); err != nil {
		return nil, err
	}
	return r, nil
}

// certReader is the datasvc.Reader of --verify: each answer becomes a
// certificate (header H+1 with its commit and validators) that
// verify.Verify checks against the trusted validator set of --trust, or
// against the set the light client verified.
type certReader struct {
	cl    *client.Client
	wait  time.Duration
	trust *verify.Trust
	light *lightHeaders
	// mu serialises the light client, which records the set it verified.
	mu sync.Mutex
}

func (r *certReader) Read(ctx context.Context, path string, height int64) (*datasvc.Answer, error) {
	var (
		ex    *client.Certified
		trust *verify.Trust
		err   error
	)
	if r.light == nil {
		ex, err = r.cl.Certify(ctx, path, client.CertificateOptions{Height: height, HeaderWait: r.wait})
		trust = r.trust
	} else {
		r.mu.Lock()
		ex, err = r.cl.Certify(ctx, path, client.CertificateOptions{Height: height, Header: r.light.header, NoValidatorChanges: true})
		trust = r.light.trust
		r.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	res, err := verify.Verify(ex.Certificate, trust, certKeys)
	if err != nil {
		return nil, fmt.Errorf("NOT VERIFIED: %w", err)
	}
	a := &datasvc.Answer{Path: path, Height: res.Height, Time: res.Time, Found: res.Kind != verify.KindAbsence}
	if a.Found {
		a.Value = res.Entries[0].Value
		for _, e := range res.Entries[1:] {
			a.Entries = append(a.Entries, e.Value)
		}
	}
	return a, nil
}

func (c *cli) datasvcKeygenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keygen --suite x25519|mlkem768-x25519 --key-id ID",
		Short: "Make an HPKE key pair for receiving shared records; print its public key",
		Long: `Make an HPKE key pair of the suite (x25519, or the hybrid post-quantum
mlkem768-x25519), store its private key in the database under --key-id and
print the public key in hex. The agency's admin then registers it on chain
under the same key id (sharing/register_key); data services seal what they
deliver to the agency to its newest registered key.

The private key is stored UNENCRYPTED in the database file (mode 0600)
until keys at rest are encrypted (issue 14): whoever reads the file opens
every payload sealed to the key. A key id is never reused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.datasvcStore()
			if err != nil {
				return err
			}
			defer st.Close()
			k, err := st.GenerateKey(cmd.Context(), c.v.GetString(flagSuite), c.v.GetString(flagKeyID))
			if err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(k)
			}
			_, err = fmt.Fprintf(c.out, "key_id:     %s\nsuite:      %s\npublic_key: %s\n", k.KeyID, k.Suite, k.PublicKey)
			return err
		},
	}
	f := cmd.Flags()
	f.String(flagSuite, seal.SuiteX25519, "HPKE suite: x25519 or mlkem768-x25519")
	f.String(flagKeyID, "", "the key id to register the key under on chain (letters, digits, - _ . :)")
	return cmd
}

func (c *cli) datasvcLoadCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "load --class CLASS --file records.jsonl --from SIGNER",
		Short: "Store records and commit their salted commitments on chain",
		Long: `Read a file of records of one class, one JSON object a line:
  {"subject":"<person id>","fields":{"name":"value",...}}
covering every field of the class (read from the chain: the class the
agency of --from declared). A new or changed record gets a new version with
a fresh 32-byte salt per field, stored in the database, then a
sharing/commit_record of its commitments signed by --from, a data_service
of the agency. A record already on chain with the same values is left
alone: loading a file twice posts nothing new.

A bad line (not JSON, a missing or extra field, a subject twice) refuses
the whole file, naming the line, before anything is stored or posted. A
line the chain refuses (a subject that is no registered person, an erased
record) is named and nothing of it is kept; the other lines are committed,
and the command exits 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			class, file := c.v.GetString(flagClass), c.v.GetString(flagFile)
			if class == "" || file == "" {
				return errors.New("--class and --file are required")
			}
			in, err := os.Open(file)
			if err != nil {
				return err
			}
			defer in.Close()
			var res *datasvc.LoadResult
			err = c.withDatasvc(cmd.Context(), func(st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error {
				res, err = datasvc.Load(cmd.Context(), st, r, sg, class, in)
				return err
			})
			var le *datasvc.LineError
			if errors.As(err, &le) {
				return fmt.Errorf("%s line %d: %v (nothing was loaded)", file, le.Line, le.Err)
			}
			if err != nil {
				return err
			}
			if c.jsonOutput() {
				if err := c.printJSON(res); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(c.out, "class %s of %s: %d line(s): %d new, %d changed, %d unchanged; %d commitment(s) posted and committed\n",
					res.Class, res.Agency, res.Lines, res.New, res.Changed, res.Unchanged, res.Committed)
			}
			if len(res.Refused) > 0 {
				for _, l := range res.Refused[1:] {
					fmt.Fprintf(c.errOut, "%s line %d: %v\n", file, l.Line, l.Err)
				}
				l := res.Refused[0]
				return fmt.Errorf("%d line(s) refused; %s line %d: %v", len(res.Refused), file, l.Line, l.Err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.String(flagFrom, "", "the data_service key that signs the commitments")
	f.String(flagClass, "", "the class id (declared on chain by the agency of --from)")
	f.String(flagFile, "", "the records file, one JSON object a line")
	return cmd
}

func (c *cli) datasvcServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve --listen 127.0.0.1:PORT --from SIGNER [--address-file PATH]",
		Short: "Serve sealed records to the officials whose requests the chain allowed",
		Long: `Serve the HTTP API of the agency's data service on --listen (an address
and port; the server binds that address only) until SIGINT or SIGTERM, then
stop accepting, finish the requests in flight and exit 0:

  POST /v1/requests/{id}/payload
      body {"request_id":N,"account":"<hex>","time":"RFC3339","signature":"<hex>"},
      signed by the request's official (govchain datasvc fetch does it);
      answers {"request_id","key_id","payload_hash","receipt_height","sealed"}
      or {"error","code"} with an HTTP status that says why
  GET /healthz

A payload is served only for a request the chain committed and allowed, to
the agency of --from (a data_service), whose grant is active and unexpired,
whose record is not erased and still at the version requested; it holds
exactly the requested fields, checked against the request's commitments,
sealed to the requester's newest active key. The delivery is stored, then
its receipt (sharing/record_delivery, signed by --from) is posted, and only
once the receipt is on chain is the payload sent. Asking again returns the
same stored payload. On start, every stored delivery whose receipt is not
confirmed gets it posted first, so a crash between the two delivers exactly
once. At start and every --erasure-sweep, records the agency erased on chain
are deleted from the database with the payloads sealed from them (as
datasvc erase does). Logs (never a value) go to stdout.

--address-file PATH: once the service accepts requests, the address it
listens on (host:port, the port it took for --listen HOST:0) is written to
PATH, atomically (a temporary file renamed over it), so that a script
waits for the file and reads it with cat. A PATH left by an earlier run is
removed at start, and PATH is removed when the service stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addr := c.v.GetString(flagListen)
			host, _, err := net.SplitHostPort(addr)
			if err != nil || host == "" {
				return fmt.Errorf("--%s %q must be an address and a port, e.g. 127.0.0.1:8700", flagListen, addr)
			}
			addrFile := c.v.GetString(flagAddressFile)
			if addrFile != "" {
				if err := clearAddressFile(addrFile); err != nil {
					return err
				}
			}
			return c.withDatasvc(cmd.Context(), func(st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error {
				return c.serve(cmd.Context(), addr, addrFile, st, r, sg)
			})
		},
	}
	f := cmd.Flags()
	f.String(flagFrom, "", "the data_service key that signs the receipts")
	f.String(flagListen, "127.0.0.1:8700", "address and port to listen on")
	f.Duration(flagErasureSweep, datasvc.DefaultErasureSweep, "how often to look for records the agency erased on chain, and delete them")
	f.String(flagAddressFile, "", "once serving, write the address listened on (host:port) to this file; removed on stop")
	return cmd
}

// serve runs the data service on addr until ctx ends. If addrFile is not
// empty, the address it listens on is written there once it accepts
// requests (writeAddressFile), and removed when it stops; a failure to
// write it stops the service with that error.
func (c *cli) serve(ctx context.Context, addr, addrFile string, st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error {
	var h slog.Handler = slog.NewTextHandler(c.out, nil)
	if c.jsonOutput() {
		h = slog.NewJSONHandler(c.out, nil)
	}
	log := slog.New(h)
	cl, err := c.client()
	if err != nil {
		return err
	}
	srv, err := datasvc.NewServer(ctx, datasvc.Config{Store: st, Reader: r, Signer: sg, Logger: log,
		Events: cl.RPC(), ErasureSweep: c.v.GetDuration(flagErasureSweep)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var fileErr error
	err = srv.Serve(ctx, ln, func(*datasvc.RecoverResult) {
		if addrFile != "" {
			if fileErr = writeAddressFile(addrFile, ln.Addr().String()); fileErr != nil {
				stop()
				return
			}
		}
		log.Info("data service started", "agency", srv.Agency(), "listen", ln.Addr().String(), "db", st.Path(),
			"signer", sg.Account().String())
	})
	if addrFile != "" {
		err = errors.Join(err, fileErr, clearAddressFile(addrFile))
	}
	if err != nil {
		return err
	}
	log.Info("stopped cleanly")
	return nil
}

// writeAddressFile writes addr and a newline to path atomically: to a new
// file in path's directory, renamed over path, so that a reader sees
// either no file or the whole address.
func writeAddressFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("--%s: %w", flagAddressFile, err)
	}
	_, werr := tmp.WriteString(addr + "\n")
	err = errors.Join(werr, tmp.Chmod(0o644), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("--%s: %w", flagAddressFile, err)
	}
	return nil
}

// clearAddressFile removes the address file at path, if there is one,
// refusing a path that is a directory or whose directory does not exist.
func clearAddressFile(path string) error {
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		return fmt.Errorf("--%s %s: its directory does not exist", flagAddressFile, path)
	}
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("--%s: %w", flagAddressFile, err)
	case info.IsDir():
		return fmt.Errorf("--%s %s is a directory", flagAddressFile, path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("--%s: %w", flagAddressFile, err)
	}
	return nil
}

func (c *cli) datasvcFetchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fetch --request ID --service URL --from OFFICIAL",
		Short: "Fetch the payload of an allowed request, check it against the chain and open it",
		Long: `Fetch the payload of access request --request from the owner's data
service at --service, as --from, the official who made the request: the
payload request is signed with --from's key; the payload's hash must be the
one the delivery receipt on chain names (waiting up to --receipt-wait for
it); it is opened with the agency's private key of that key id from this
database (keygen, run by the requesting agency); every field is checked
against the request's commitments on chain. The fields are printed (text,
or -o json), and the sealed payload is kept in the database as evidence.

A field that does not match its commitment gets a complaint on chain
(sharing/file_complaint, signed by --from) and the command exits 1, naming
the fields and the complaints.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id := c.v.GetUint64(flagRequest)
			service := c.v.GetString(flagService)
			if id == 0 || service == "" {
				return errors.New("--request and --service are required")
			}
			return c.withDatasvc(cmd.Context(), func(st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error {
				f := &datasvc.Fetcher{Store: st, Reader: r, Signer: sg, ReceiptWait: c.v.GetDuration(flagReceiptWait)}
				got, err := f.Fetch(cmd.Context(), service, id)
				if err != nil {
					return err
				}
				return c.printFetched(got)
			})
		},
	}
	f := cmd.Flags()
	f.String(flagFrom, "", "the official (data_officer) who made the request")
	f.Uint64(flagRequest, 0, "the access request id")
	f.String(flagService, "", "the owner's data service, e.g. http://127.0.0.1:8700")
	f.Duration(flagReceiptWait, datasvc.DefaultReceiptWait, "how long to wait for the delivery receipt on chain")
	return cmd
}

// fetchedJSON is a fetched payload as -o json prints it.
type fetchedJSON struct {
	RequestID     uint64            `json:"request_id"`
	Owner         string            `json:"owner"`
	Class         string            `json:"class"`
	Subject       string            `json:"subject"`
	RecordVersion uint64            `json:"record_version"`
	KeyID         string            `json:"key_id"`
	PayloadHash   string            `json:"payload_hash"`
	ReceiptHeight int64             `json:"receipt_height"`
	Fields        map[string]string `json:"fields"`
}

func (c *cli) printFetched(got *datasvc.Fetched) error {
	q := got.Request
	if c.jsonOutput() {
		out := fetchedJSON{RequestID: q.ID, Owner: q.Owner, Class: q.Class, Subject: q.Subject, RecordVersion: q.RecordVersion,
			KeyID: got.KeyID, PayloadHash: got.PayloadHash.String(), ReceiptHeight: got.ReceiptHeight, Fields: map[string]string{}}
		for _, f := range got.Fields {
			out.Fields[f.Name] = f.Value
		}
		return c.printJSON(out)
	}
	fmt.Fprintf(c.out, "request %d: %s's %s record of %s, version %d; payload %s sealed to key %s, receipt in block %d; every field matches its commitment\n",
		q.ID, q.Owner, q.Class, q.Subject, q.RecordVersion, got.PayloadHash, got.KeyID, got.ReceiptHeight)
	for _, f := range got.Fields {
		fmt.Fprintf(c.out, "%s: %s\n", f.Name, f.Value)
	}
	return nil
}

func (c *cli) datasvcStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show what the database holds: keys, classes and record counts, deliveries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.datasvcStore()
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Status(cmd.Context())
			if err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(s)
			}
			agency := s.Agency
			if agency == "" {
				agency = "(not bound yet)"
			}
			fmt.Fprintf(c.out, "database %s (schema %d), agency %s\n", s.Path, s.SchemaVersion, agency)
			fmt.Fprintf(c.out, "keys: %d\n", len(s.Keys))
			for _, k := range s.Keys {
				fmt.Fprintf(c.out, "  %s  %s  created %s\n", k.KeyID, k.Suite, k.CreatedAt)
			}
			fmt.Fprintf(c.out, "classes: %d\n", len(s.Classes))
			for _, cl := range s.Classes {
				fmt.Fprintf(c.out, "  %s  %d record(s), %d version(s), %d pending\n", cl.Class, cl.Records, cl.Versions, cl.Pending)
			}
			fmt.Fprintf(c.out, "deliveries: %d\n", len(s.Deliveries))
			for _, d := range s.Deliveries {
				receipt := "receipt NOT confirmed"
				if d.Confirmed() {
					receipt = fmt.Sprintf("receipt confirmed in block %d", d.ReceiptHeight)
				}
				fmt.Fprintf(c.out, "  request %d  key %s  payload %s  %s\n", d.RequestID, d.KeyID, d.PayloadHash, receipt)
			}
			fmt.Fprintf(c.out, "erasures: %d\n", len(s.Erasures))
			for _, e := range s.Erasures {
				fmt.Fprintf(c.out, "  %s/%s  erased on chain at height %d  %d version(s), %d payload(s) deleted  %s\n",
					e.Class, e.Subject, e.ChainHeight, e.Versions, e.Payloads, e.ErasedAt)
			}
			fmt.Fprintf(c.out, "received: %d\n", len(s.Received))
			for _, r := range s.Received {
				fmt.Fprintf(c.out, "  request %d  key %s  payload %s  %s\n", r.RequestID, r.KeyID, r.PayloadHash, r.Verdict)
			}
			return nil
		},
	}
}
