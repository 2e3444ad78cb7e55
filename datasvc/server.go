package datasvc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/seal"
)

// Refusal is why the service does not serve a payload request: the HTTP
// status it answers with, the chain's result code when a rule of the
// chain refused (a receipt the chain would not record), and a readable
// reason. Nothing was stored or posted for a refused request, unless
// Status is 503: then a delivery may be stored whose receipt could not be
// posted, and asking again (or restarting the service) posts it.
type Refusal struct {
	Status int
	Code   uint32
	Reason string
}

// Error implements error.
func (r *Refusal) Error() string {
	if r.Code != 0 {
		return fmt.Sprintf("datasvc: %s (code %d)", r.Reason, r.Code)
	}
	return "datasvc: " + r.Reason
}

func refuse(status int, format string, args ...any) *Refusal {
	return &Refusal{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// internal is a refusal for a failure of the service itself; its reason
// never holds a value.
func internal(format string, args ...any) *Refusal {
	return refuse(http.StatusInternalServerError, format, args...)
}

// Config is what a Server needs.
type Config struct {
	// Store is the agency's database.
	Store *Store
	// Reader reads the committed state (NodeReader, or a reader that
	// verifies headers).
	Reader Reader
	// Signer posts the receipts: an account holding the data_service
	// role of the agency.
	Signer *Signer
	// Logger receives one line per delivery and refusal, never a value;
	// nil discards them.
	Logger *slog.Logger
	// Now is the clock payload requests' times are checked against;
	// time.Now if nil.
	Now func() time.Time
	// Events, if not nil, finds the agency's erasures on chain for
	// SweepErasures, which Serve runs at start and every ErasureSweep
	// (DefaultErasureSweep if 0). Without it a record erased on chain is
	// deleted from the database when a payload request for it is refused
	// as erased, or by EraseProven.
	Events       EventSearcher
	ErasureSweep time.Duration
}

// Server is an agency's data service: it answers payload requests of
// officials of other agencies (Handler), each only after the chain
// committed and allowed the request, and only once the delivery's receipt
// is on chain.
type Server struct {
	cfg    Config
	agency string
	log    *slog.Logger
	locks  requestLocks
}

// NewServer returns the data service of the agency the signer acts for
// as a data_service (read from its role grant on chain), binding the
// database to that agency.
func NewServer(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Reader == nil || cfg.Signer == nil {
		return nil, errors.New("datasvc: a server needs a store, a reader and a signer")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	agency, err := roleAgency(ctx, cfg.Reader, cfg.Signer.Account(), core.RoleDataService, 0)
	if err != nil {
		return nil, err
	}
	if err := cfg.Store.BindAgency(ctx, agency); err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, agency: agency, log: log}, nil
}

// Agency returns the agency the service serves for.
func (s *Server) Agency() string { return s.agency }

// requestLocks serialises the work on one request id, so that two
// concurrent payload requests for the same id seal and store once.
type requestLocks struct {
	mu sync.Mutex
	m  map[uint64]*requestLock
}

type requestLock struct {
	sync.Mutex
	users int
}

func (l *requestLocks) lock(id uint64) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[uint64]*requestLock{}
	}
	e := l.m[id]
	if e == nil {
		e = &requestLock{}
		l.m[id] = e
	}
	e.users++
	l.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		l.mu.Lock()
		if e.users--; e.users == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}

// Deliver answers a payload request for request id (the id in the URL):
// it authenticates the requester against the chain, checks that the
// committed request may be served, and returns the delivery, confirmed on
// chain. A request already delivered gets the same stored delivery again.
// Any other answer is a *Refusal.
func (s *Server) Deliver(ctx context.Context, id uint64, pr *PayloadRequest) (*Delivery, error) {
	q, height, err := s.authorise(ctx, id, pr)
	if err != nil {
		return nil, err
	}
	unlock := s.locks.lock(q.ID)
	defer unlock()
	stored, err := s.cfg.Store.Delivery(ctx, q.ID)
	if err != nil {
		return nil, internal("request %d: %v", q.ID, err)
	}
	if q.Delivery != nil {
		return s.delivered(ctx, q, stored)
	}
	if stored != nil && stored.Confirmed() {
		// Delivered by a payload request that held the lock while this
		// one read the chain.
		return s.servable(ctx, stored)
	}
	if stored != nil {
		// Stored, but its receipt was not confirmed: post it now.
		return s.settle(ctx, stored)
	}
	d, err := s.seal(ctx, q, height)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Store.StoreDelivery(ctx, d); err != nil {
		return nil, internal("request %d: %v", q.ID, err)
	}
	faultAfterStore(q.ID)
	return s.settle(ctx, d)
}

// authorise checks the payload request pr for request id against the
// committed state, all read at one state version: the time, the
// signature by the key the account signs with, and that the request is
// committed, allowed, this agency's and the account's. It returns the
// request and the state version read.
func (s *Server) authorise(ctx context.Context, id uint64, pr *PayloadRequest) (*sharing.Request, int64, error) {
	if pr.RequestID != id {
		return nil, 0, refuse(http.StatusBadRequest, "the body names request %d, the path %d", pr.RequestID, id)
	}
	t, err := time.Parse(time.RFC3339, pr.Time)
	if err != nil {
		return nil, 0, refuse(http.StatusBadRequest, "time %q is not RFC 3339", pr.Time)
	}
	if skew := s.cfg.Now().Sub(t).Abs(); skew > MaxClockSkew {
		return nil, 0, refuse(http.StatusUnauthorized, "time %s is %s away from the service's clock (at most %s allowed)",
			pr.Time, skew.Round(time.Second), MaxClockSkew)
	}
	r := s.cfg.Reader
	acc, a, err := readJSON[core.Account](ctx, r, "/account/"+pr.Account.String(), 0)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	if acc == nil || len(acc.PubKey) != ed25519.PubKeySize {
		return nil, 0, refuse(http.StatusUnauthorized, "account %s has no key on chain", pr.Account)
	}
	height := a.Height
	// The account's key now (rotation replaces it): a key rotated into
	// the account is bound to it; its original key has its address.
	if keyAddr := core.AddressOf(ed25519.PubKey(acc.PubKey)); keyAddr != pr.Account {
		b, _, err := readJSON[core.KeyBinding](ctx, r, "/key/"+keyAddr.String(), height)
		if err != nil {
			return nil, 0, unavailable(err)
		}
		if b == nil || b.Account != pr.Account {
			return nil, 0, refuse(http.StatusUnauthorized, "the key of account %s is not bound to it on chain", pr.Account)
		}
	}
	st, _, err := readJSON[core.AccountStatus](ctx, r, "/store/"+hex.EncodeToString(core.AccountStatusKey(pr.Account)), height)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	if st != nil {
		return nil, 0, refuse(http.StatusUnauthorized, "account %s is %s and can no longer sign", pr.Account, st.Status)
	}
	if !ed25519.PubKey(acc.PubKey).VerifySignature(AuthBytes(s.cfg.Signer.ChainID(), id, pr.Account, pr.Time), pr.Signature) {
		return nil, 0, refuse(http.StatusUnauthorized, "the signature is not account %s's over request %d and time %s on chain %s",
			pr.Account, id, pr.Time, s.cfg.Signer.ChainID())
	}
	q, _, err := readJSON[sharing.Request](ctx, r, "/sharing/request/"+core.Dec(id), height)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	switch {
	case q == nil:
		return nil, 0, refuse(http.StatusNotFound, "request %d is not committed on chain (state %d)", id, height)
	case q.Outcome != sharing.OutcomeAllowed:
		reason := ""
		if q.Refusal != nil {
			reason = fmt.Sprintf(" (code %d: %s)", q.Refusal.Code, q.Refusal.Reason)
		}
		return nil, 0, refuse(http.StatusForbidden, "request %d was refused on chain%s", id, reason)
	case q.Owner != s.agency:
		return nil, 0, refuse(http.StatusForbidden, "request %d is to agency %s; this service serves %s", id, q.Owner, s.agency)
	case !q.Covert && q.Official != pr.Account:
		return nil, 0, refuse(http.StatusForbidden, "account %s is not the official of request %d", pr.Account, id)
	case q.Covert:
		// The official of a covert request is sealed: any data officer
		// of the requesting agency may fetch it.
		agency, err := roleAgency(ctx, r, pr.Account, core.RoleDataOfficer, height)
		if err != nil && !errors.Is(err, errNoRole) {
			return nil, 0, unavailable(err)
		}
		if agency != q.Requester {
			return nil, 0, refuse(http.StatusForbidden, "account %s is no data officer of %s, which made covert request %d", pr.Account, q.Requester, id)
		}
	}
	return q, height, nil
}

// delivered answers a request whose receipt is on chain: with the stored
// delivery if it is the one the receipt names.
func (s *Server) delivered(ctx context.Context, q *sharing.Request, stored *Delivery) (*Delivery, error) {
	if stored == nil || stored.PayloadHash != q.Delivery.PayloadHash {
		s.log.Error("a receipt on chain names a payload this database does not hold", "request_id", q.ID,
			"payload_hash", q.Delivery.PayloadHash.String())
		return nil, refuse(http.StatusConflict, "request %d was delivered with another payload (hash %s)", q.ID, q.Delivery.PayloadHash)
	}
	if !stored.Confirmed() {
		if err := s.cfg.Store.ConfirmDelivery(ctx, q.ID, q.Delivery.Height, ""); err != nil {
			return nil, internal("request %d: %v", q.ID, err)
		}
		stored.ReceiptHeight = q.Delivery.Height
	}
	return s.servable(ctx, stored)
}

// servable returns d, a confirmed delivery, unless its record was erased
// since: then its sealed bytes are gone and the request is refused as
// erased.
func (s *Server) servable(ctx context.Context, d *Delivery) (*Delivery, error) {
	if len(d.Sealed) > 0 {
		return d, nil
	}
	e, err := s.cfg.Store.Erased(ctx, d.Class, d.Subject)
	if err != nil {
		return nil, internal("request %d: %v", d.RequestID, err)
	}
	if e == nil {
		return nil, internal("request %d: the stored delivery has no sealed bytes and its record was not erased", d.RequestID)
	}
	return nil, &Refusal{Status: http.StatusGone, Code: sharing.ErrRecordErased.Code(),
		Reason: fmt.Sprintf("the record of request %d was erased at height %d, after its delivery: the service deleted it and the payload sent", d.RequestID, e.ChainHeight)}
}

// seal checks, at state version height, that request q may be delivered
// now, builds its payload from the database, checks it against the
// request's commitments and seals it to the requester's newest usable
// key. Nothing is stored.
func (s *Server) seal(ctx context.Context, q *sharing.Request, height int64) (*Delivery, error) {
	r := s.cfg.Reader
	g, a, err := readJSON[sharing.Grant](ctx, r, "/sharing/grant/"+core.Dec(q.GrantID), height)
	if err != nil {
		return nil, unavailable(err)
	}
	switch {
	case g == nil:
		return nil, refuse(http.StatusForbidden, "grant %d of request %d is not on chain", q.GrantID, q.ID)
	case g.Status != sharing.GrantActive:
		return nil, &Refusal{Status: http.StatusForbidden, Code: sharing.ErrGrantRevoked.Code(),
			Reason: fmt.Sprintf("grant %d of request %d is %s", g.ID, q.ID, g.Status)}
	case a.Time.After(g.ExpiresAt):
		return nil, &Refusal{Status: http.StatusForbidden, Code: sharing.ErrGrantExpired.Code(),
			Reason: fmt.Sprintf("grant %d of request %d expired at %s", g.ID, q.ID, g.ExpiresAt.Format(time.RFC3339))}
	}
	fields := q.Fields
	if q.Covert {
		if fields, err = s.covertFields(ctx, q, g); err != nil {
			return nil, err
		}
	}
	rec, _, err := readJSON[sharing.Record](ctx, r, fmt.Sprintf("/sharing/record/%s/%s/%s", q.Owner, q.Class, q.Subject), height)
	if err != nil {
		return nil, unavailable(err)
	}
	switch {
	case rec == nil:
		return nil, refuse(http.StatusGone, "the record of request %d is not on chain", q.ID)
	case rec.Status == sharing.RecordErased:
		return nil, s.erased(ctx, q, height)
	case rec.Version != q.RecordVersion:
		return nil, &Refusal{Status: http.StatusConflict, Code: sharing.ErrRecordChanged.Code(),
			Reason: fmt.Sprintf("the record changed since request %d (version %d, the request was allowed on %d): ask again", q.ID, rec.Version, q.RecordVersion)}
	}
	key, err := s.recipientKey(ctx, q, height, a.Time)
	if err != nil {
		return nil, err
	}
	p, err := s.payload(ctx, q, fields)
	if err != nil {
		return nil, err
	}
	sealed, err := seal.SealPayload(key.Suite, key.PublicKey, key.KeyID, *p)
	if err != nil {
		return nil, internal("request %d: seal to key %s of %s: %v", q.ID, key.KeyID, q.Requester, err)
	}
	return &Delivery{RequestID: q.ID, Class: q.Class, Subject: q.Subject, KeyID: key.KeyID, Sealed: sealed, PayloadHash: seal.PayloadHash(sealed)}, nil
}

// recipientKey returns the requester's newest key (highest registration
// height, then highest key id) that is active and valid at time t, at
// state version height.
func (s *Server) recipientKey(ctx context.Context, q *sharing.Request, height int64, t time.Time) (*sharing.AgencyKey, error) {
	a, err := s.cfg.Reader.Read(ctx, "/sharing/keys/"+q.Requester, height)
	if err != nil {
		return nil, unavailable(err)
	}
	var best *sharing.AgencyKey
	for _, v := range a.Entries {
		k := new(sharing.AgencyKey)
		if err := json.Unmarshal(v, k); err != nil {
			return nil, internal("a key of %s does not decode: %v", q.Requester, err)
		}
		if k.Agency != q.Requester || k.Status != sharing.KeyActive || t.After(k.ValidUntil) {
			continue
		}
		if best == nil || k.RegisteredHeight > best.RegisteredHeight || k.RegisteredHeight == best.RegisteredHeight && k.KeyID > best.KeyID {
			best = k
		}
	}
	if best == nil {
		return nil, refuse(http.StatusConflict, "agency %s has no active, unexpired key on chain to seal request %d to", q.Requester, q.ID)
	}
	return best, nil
}

// covertFields opens the owner's sealed copy of covert request q's
// details with the agency's own private key, checks that they hash to the
// request's details commitment, and returns the fields requested. Fields
// outside grant g are refused: the chain cannot see them, so the service
// must (the disclosure will record the violation). The fields are never
// logged.
func (s *Server) covertFields(ctx context.Context, q *sharing.Request, g *sharing.Grant) ([]string, error) {
	if q.Sealed == nil {
		return nil, internal("covert request %d carries no sealed details", q.ID)
	}
	keyID := q.Sealed.OwnerKeyID
	priv, err := s.cfg.Store.PrivateKey(ctx, keyID)
	if err != nil {
		return nil, internal("the details of covert request %d are sealed to key %s of %s: %v", q.ID, keyID, q.Owner, err)
	}
	d, err := client.OpenCovertDetails(priv, s.cfg.Signer.ChainID(), keyID, q.DetailsCommitment, q.Sealed.OwnerSealed)
	if err != nil {
		return nil, internal("the sealed details of covert request %d do not open to their commitment: %v", q.ID, err)
	}
	for _, f := range d.Fields {
		if _, ok := slices.BinarySearch(g.Fields, f); !ok {
			s.log.Warn("a covert request asks for fields outside its grant; nothing served", "request_id", q.ID, "grant_id", g.ID)
			return nil, refuse(http.StatusForbidden, "covert request %d asks for fields outside grant %d: nothing is served", q.ID, g.ID)
		}
	}
	return d.Fields, nil
}

// payload builds the payload of request q, of the fields requested
// (sorted), from the record version on chain it was allowed on, and
// checks every field against the request's commitments before anything
// is sealed: a mismatch is an internal error, since data that does not
// match what the chain committed is never sent.
func (s *Server) payload(ctx context.Context, q *sharing.Request, fields []string) (*seal.Payload, error) {
	v, err := s.cfg.Store.VersionOnChain(ctx, q.Class, q.Subject, q.RecordVersion)
	if err != nil {
		return nil, internal("request %d: %v", q.ID, err)
	}
	if v == nil {
		return nil, internal("the database holds no values for version %d of the record of request %d (class %s)", q.RecordVersion, q.ID, q.Class)
	}
	p := &seal.Payload{RequestID: q.ID, ChainID: s.cfg.Signer.ChainID()}
	for _, f := range v.Fields {
		if _, ok := slices.BinarySearch(fields, f.Name); ok {
			p.Fields = append(p.Fields, f)
		}
	}
	// A covert request carries the commitments of every field of its
	// grant; the payload is checked against those of the fields asked.
	commitments := make(map[string][32]byte, len(fields))
	for _, c := range q.Commitments {
		if _, ok := slices.BinarySearch(fields, c.Name); ok {
			commitments[c.Name] = c.Commitment
		}
	}
	if len(commitments) != len(fields) {
		return nil, internal("request %d asks for %d fields, of which %d have a commitment on chain", q.ID, len(fields), len(commitments))
	}
	if err := seal.CheckPayload(*p, commitments); err != nil {
		s.log.Error("stored values do not match the commitments on chain; nothing sent", "request_id", q.ID, "class", q.Class,
			"record_version", q.RecordVersion, "err", err)
		return nil, internal("the stored values of request %d do not match the commitments on chain; nothing was sent", q.ID)
	}
	return p, nil
}

// settle posts the receipt of the stored delivery d and returns d once
// the receipt is on chain. If the chain refuses it because it already
// holds d's receipt, d is confirmed; if it refuses it for the state of
// the request, its grant, record or key, d is removed (it was never
// served) and the refusal returned. Any other failure leaves d stored,
// unconfirmed, for a later request or the next start to settle.
func (s *Server) settle(ctx context.Context, d *Delivery) (*Delivery, error) {
	res, err := s.cfg.Signer.Submit(ctx, &sharing.RecordDelivery{RequestID: d.RequestID, PayloadHash: d.PayloadHash, KeyID: d.KeyID})
	if err == nil {
		if err := s.cfg.Store.ConfirmDelivery(ctx, d.RequestID, res.Height, res.Hash); err != nil {
			return nil, internal("request %d: %v", d.RequestID, err)
		}
		d.ReceiptHeight, d.ReceiptTx = res.Height, res.Hash
		s.log.Info("delivered", "request_id", d.RequestID, "key_id", d.KeyID, "payload_hash", d.PayloadHash.String(),
			"receipt_height", res.Height, "receipt_tx", res.Hash)
		return d, nil
	}
	var te *client.TxError
	if !errors.As(err, &te) {
		s.log.Warn("receipt not posted; the delivery stays stored until it is", "request_id", d.RequestID, "err", err)
		return nil, unavailable(err)
	}
	q, _, rerr := readJSON[sharing.Request](ctx, s.cfg.Reader, "/sharing/request/"+core.Dec(d.RequestID), 0)
	if rerr != nil {
		return nil, unavailable(rerr)
	}
	if q != nil && q.Delivery != nil {
		return s.delivered(ctx, q, d)
	}
	if !definitive(te.Code) {
		s.log.Warn("receipt refused; the delivery stays stored until it is posted", "request_id", d.RequestID, "code", te.Code, "log", te.Log)
		return nil, &Refusal{Status: http.StatusServiceUnavailable, Code: te.Code, Reason: "the receipt was not recorded: " + te.Log}
	}
	if err := s.cfg.Store.DeletePendingDelivery(ctx, d.RequestID); err != nil {
		return nil, internal("request %d: %v", d.RequestID, err)
	}
	s.log.Info("receipt refused; delivery removed, nothing was served", "request_id", d.RequestID, "code", te.Code, "log", te.Log)
	return nil, &Refusal{Status: http.StatusForbidden, Code: te.Code, Reason: "the chain refused the receipt: " + te.Log}
}

// definitive reports whether a receipt refused with code can never be
// recorded: the request, its grant, record or the key sealed to forbid
// it for good, so the stored delivery may be removed.
func definitive(code uint32) bool {
	for _, e := range []*core.Error{sharing.ErrRequestNotFound, sharing.ErrRequestRefused, sharing.ErrNotOwnerAgency,
		sharing.ErrGrantNotFound, sharing.ErrGrantRevoked, sharing.ErrGrantExpired, sharing.ErrRecordNotFound,
		sharing.ErrRecordErased, sharing.ErrRecordChanged, sharing.ErrKeyNotFound, sharing.ErrKeyRevoked, sharing.ErrKeyExpired} {
		if e.Code() == code {
			return true
		}
	}
	return false
}

// unavailable is the refusal for a chain that could not be read or
// written.
func unavailable(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return refuse(http.StatusServiceUnavailable, "the chain cannot be read or written now: %v", err)
}

// RecoverResult counts what Recover did.
type RecoverResult struct {
	// Pending is how many stored deliveries had no confirmed receipt.
	Pending int `json:"pending"`
	// Found were already on chain; Posted got their receipt posted now;
	// Removed were refused for good (never served); Conflicts are
	// receipts on chain that name another payload.
	Found     int `json:"found"`
	Posted    int `json:"posted"`
	Removed   int `json:"removed"`
	Conflicts int `json:"conflicts"`
}

// Recover settles every stored delivery whose receipt is not confirmed:
// one whose receipt the chain already holds is confirmed, any other gets
// its receipt posted (see settle). It runs before the service serves, so
// that a crash between storing a delivery and posting its receipt ends,
// after restart, with exactly one receipt. It returns an error if the
// chain cannot be reached, leaving the rest for the next start.
func (s *Server) Recover(ctx context.Context) (*RecoverResult, error) {
	pending, err := s.cfg.Store.Deliveries(ctx, true)
	if err != nil {
		return nil, err
	}
	res := &RecoverResult{Pending: len(pending)}
	for _, p := range pending {
		q, _, err := readJSON[sharing.Request](ctx, s.cfg.Reader, "/sharing/request/"+core.Dec(p.RequestID), 0)
		if err != nil {
			return res, err
		}
		if q != nil && q.Delivery != nil {
			if q.Delivery.PayloadHash != p.PayloadHash {
				res.Conflicts++
				s.log.Error("a receipt on chain names a payload this database does not hold", "request_id", p.RequestID,
					"payload_hash", q.Delivery.PayloadHash.String())
				continue
			}
			if err := s.cfg.Store.ConfirmDelivery(ctx, p.RequestID, q.Delivery.Height, ""); err != nil {
				return res, err
			}
			res.Found++
			continue
		}
		d, err := s.cfg.Store.Delivery(ctx, p.RequestID)
		if err != nil {
			return res, err
		}
		_, err = s.settle(ctx, d)
		var r *Refusal
		switch {
		case err == nil:
			res.Posted++
		case errors.As(err, &r) && r.Status == http.StatusForbidden:
			res.Removed++
		case errors.As(err, &r) && r.Status == http.StatusConflict:
			res.Conflicts++
		default:
			return res, fmt.Errorf("datasvc: settle the delivery of request %d: %w", p.RequestID, err)
		}
	}
	return res, nil
}
