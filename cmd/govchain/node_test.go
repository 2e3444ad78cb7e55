package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/client"
)

// TestCLIAgainstNode runs a development node and checks, through the
// command line, what a new user meets: refusals caught before sending
// carry the node's own code and log, a resubmitted transaction is
// explained as a replay, the all-zero document hash is a provable
// absence, the event examples of tx --help work as printed, and a node
// that alters its answers is caught with the true reason.
func TestCLIAgainstNode(t *testing.T) {
	n := startDevNode(t, "cli-node-1")
	kr := client.NewKeyring(filepath.Join(n.home, "keyring"))
	cl, err := client.New(n.url)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	_, errOut, code := n.cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", "P-1",
		"--cadastral-ref", "C-1", "--area-m2", "1200", "--location", "12 Main St, Springfield",
		"--owner", "alice:1", "--document-hash", strings.Repeat("ab", 32))
	require.Equal(t, 0, code, errOut)
	// query takes -o json like every command; the record is JSON either way.
	out, errOut, code := n.cli("query", "land", "parcel", "P-1", "-o", "json")
	require.Equal(t, 0, code, errOut)
	var parcel land.Parcel
	require.NoError(t, json.Unmarshal([]byte(out), &parcel), out)
	require.Equal(t, "P-1", parcel.ID)

	t.Run("refusals before sending carry the node's code and log", func(t *testing.T) {
		alice, err := kr.Get("alice")
		require.NoError(t, err)
		for _, tc := range []struct {
			name   string
			signer string
			args   []string
			msg    core.Msg
			want   error
		}{
			{"invalid lien", "bank",
				[]string{"tx", "land", "create-lien", "--parcel-id", "P-1", "--amount", "0", "--currency", "EUR",
					"--reference", "R-1", "--document-hash", strings.Repeat("ab", 32)},
				&land.CreateLien{ParcelID: "P-1", Amount: 0, Currency: "EUR", Reference: "R-1", DocumentHash: hashOfHex(t, strings.Repeat("ab", 32))},
				land.ErrInvalidMessage},
			// A transaction carrying the zero hash keeps its released
			// code, though a query for it is now a lookup.
			{"zero document hash", "notary",
				[]string{"tx", "notary", "anchor-document", "--document-hash", strings.Repeat("0", 64), "--doc-type", "deed"},
				&notary.AnchorDocument{DocType: "deed"},
				notary.ErrInvalidMessage},
			{"unknown role", "admin-finance",
				[]string{"tx", "agency", "grant-role", "--account", "alice", "--role", "pilot"},
				&agency.GrantRole{Account: alice.Address(), Role: "pilot"},
				agency.ErrUnknownRole},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// The node's answer to the same message, signed without
				// the client's check.
				key, err := kr.Get(tc.signer)
				require.NoError(t, err)
				_, err = cl.Broadcast(ctx, uncheckedTx(t, "cli-node-1", key, tc.msg))
				var nodeErr *client.TxError
				require.ErrorAs(t, err, &nodeErr)
				require.Equal(t, abci.Code(tc.want), nodeErr.Code)

				_, errOut, code := n.cli(append(tc.args, "--from", tc.signer)...)
				requireOneLineError(t, errOut, code, "")
				require.Equal(t, "error: "+nodeErr.Error()+"\n", errOut)

				_, errOut, code = n.cli(append(tc.args, "--from", tc.signer, "-o", "json")...)
				requireJSONError(t, errOut, code, errorJSON{Code: nodeErr.Code, Codespace: nodeErr.Codespace, Log: nodeErr.Log})
			})
		}
		// The raw message of an unknown type, offline and online.
		key, err := kr.Get("registrar")
		require.NoError(t, err)
		tx := signTx(t, "cli-node-1", key, 0, "land/nope", []byte("{}"))
		_, err = cl.Broadcast(ctx, tx)
		var nodeErr *client.TxError
		require.ErrorAs(t, err, &nodeErr)
		_, errOut, code := n.cli("tx", "raw", "--from", "registrar", "--type", "land/nope")
		require.Equal(t, 1, code)
		require.Equal(t, "error: "+nodeErr.Error()+"\n", errOut)
	})

	t.Run("a resubmitted transaction is a replay", func(t *testing.T) {
		admin, err := kr.Get("admin-finance")
		require.NoError(t, err)
		seq, err := cl.NextSequence(ctx, admin.Address())
		require.NoError(t, err)
		out, errOut, code := n.cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "carol", "--role", "business",
			"--generate-only", "--sequence", strconv.FormatUint(seq, 10))
		require.Equal(t, 0, code, errOut)
		file := filepath.Join(t.TempDir(), "tx.json")
		require.NoError(t, os.WriteFile(file, []byte(out), 0o600))

		out, errOut, code = n.cli("tx", "broadcast", file)
		require.Equal(t, 0, code, errOut)
		require.Contains(t, out, "code:   0")

		_, errOut, code = n.cli("tx", "broadcast", file)
		requireOneLineError(t, errOut, code, "")
		require.Regexp(t, `^error: code 14 \(govchain\): tx: sequence already used \(replay\): this exact transaction \(hash [0-9A-F]{64}\) was already submitted to `+
			regexp.QuoteMeta(n.url)+`, whose mempool cache holds it; a new transaction needs the signer's next sequence\n$`, errOut)
		require.EqualValues(t, 14, abci.Code(core.ErrReplay))

		_, errOut, code = n.cli("tx", "broadcast", file, "-o", "json")
		requireJSONError(t, errOut, code, errorJSON{Code: abci.Code(core.ErrReplay), Codespace: abci.Codespace, Log: core.ErrReplay.Error() + ": this exact transaction"})
	})

	t.Run("the zero document hash is a provable absence", func(t *testing.T) {
		zero := strings.Repeat("0", 64)
		_, errOut, code := n.cli("query", "notary", "document", zero, "--prove")
		require.Equal(t, 1, code)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		require.Len(t, lines, 2, errOut)
		require.Regexp(t, `^proof: key [0-9A-F]+ is absent: verified 1 key\(s\) against app hash [0-9A-F]{64} of block \d+$`, lines[0])
		want := fmt.Sprintf("error: code %d (govchain): notary: document not anchored: %s", abci.Code(notary.ErrDocumentNotFound), zero)
		require.Equal(t, want, lines[1])

		_, errOut, code = n.cli("query", "notary", "document", zero, "--history", "--prove", "-o", "json")
		var got errorJSON
		require.NoError(t, json.Unmarshal([]byte(errOut), &got), errOut)
		requireJSONError(t, errOut, code, errorJSON{Code: abci.Code(notary.ErrDocumentNotFound), Codespace: abci.Codespace,
			Log: "notary: document not anchored: " + zero, Proof: got.Proof})
		require.Regexp(t, `^proof: key [0-9A-F]+ is absent: verified 1 key\(s\)`, got.Proof)

		genesis := filepath.Join(n.home, "config", "genesis.json")
		_, errOut, code = n.cli("query", "notary", "document", zero, "--prove", "--verify", "--trust", genesis)
		require.Equal(t, 1, code)
		require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}: key [0-9A-F]+ is absent at state \d+\n`+regexp.QuoteMeta(want)+"\n$", errOut)
	})

	t.Run("the event examples of tx --help work as printed", func(t *testing.T) {
		help, _, code := govchain(t, "tx", "--help")
		require.Equal(t, 0, code)
		curl := regexp.MustCompile(`(?m)^\s*curl -s '(http://127\.0\.0\.1:26657/tx_search\?[^']*)'$`).FindStringSubmatch(help)
		require.NotNil(t, curl, "tx --help shows a tx_search example")
		ws := regexp.MustCompile(`ws://127\.0\.0\.1:26657/websocket`).FindString(help)
		require.NotEmpty(t, ws, "tx --help names the websocket")
		sub := regexp.MustCompile(`(?m)^\s*(\{"jsonrpc":"2\.0","method":"subscribe".*\})$`).FindStringSubmatch(help)
		require.NotNil(t, sub, "tx --help shows a subscribe request")
		require.Contains(t, curl[1], "%20AND%20")
		require.Contains(t, sub[1], " AND ")
		host := strings.TrimPrefix(n.url, "http://")
		at := func(s string) string { return strings.Replace(s, "127.0.0.1:26657", host, 1) }

		// The websocket subscription, sent byte for byte, then a new
		// parcel whose event it must deliver.
		conn, _, err := websocket.DefaultDialer.DialContext(ctx, at(ws), nil)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.WriteMessage(websocket.TextMessage, []byte(sub[1])))
		type wsResult struct {
			ID     int `json:"id"`
			Result struct {
				Query  string              `json:"query"`
				Events map[string][]string `json:"events"`
			} `json:"result"`
			Error *struct {
				Message string `json:"message"`
				Data    string `json:"data"`
			} `json:"error"`
		}
		read := func() wsResult {
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
			_, b, err := conn.ReadMessage()
			require.NoError(t, err)
			var r wsResult
			require.NoError(t, json.Unmarshal(b, &r), string(b))
			require.Nil(t, r.Error, string(b))
			return r
		}
		require.Empty(t, read().Result.Events, "the subscription is acknowledged")
		_, errOut, code := n.cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", "P-2",
			"--cadastral-ref", "C-2", "--area-m2", "10", "--location", "x", "--owner", "bob:1", "--document-hash", strings.Repeat("cd", 32))
		require.Equal(t, 0, code, errOut)
		ev := read()
		require.Equal(t, "tm.event='Tx' AND land.action='register_parcel'", ev.Result.Query)
		require.Equal(t, []string{"P-2"}, ev.Result.Events["land.parcel_id"])

		// The URL-encoded search finds P-1's registration and nothing else.
		resp, err := http.Get(at(curl[1]))
		require.NoError(t, err)
		defer resp.Body.Close()
		var found struct {
			Result struct {
				TotalCount string `json:"total_count"`
			} `json:"result"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&found))
		require.Equal(t, "1", found.Result.TotalCount)
	})

	t.Run("a lying node is caught with the true reason", func(t *testing.T) {
		genesis := filepath.Join(n.home, "config", "genesis.json")
		key := hex.EncodeToString(mustPathKey(t, "/land/parcel/P-1"))
		via := func(proxy string, args ...string) (string, string, int) {
			return govchain(t, append(args, "--home", n.home, "--node", proxy)...)
		}

		// One byte of the proof changed: the header is the signed one,
		// the proof does not lead to its app hash.
		proof, proofsAltered := lyingProxy(t, n.url, "abci_query", alterProof)
		_, errOut, code := via(proof, "query", "land", "parcel", "P-1", "--prove", "--verify", "--trust", genesis)
		requireOneLineError(t, errOut, code, "NOT VERIFIED: verify: proof mismatch: the proof of key "+key+" (entry 0) at state ")
		m := regexp.MustCompile(`at state (\d+) does not lead to the app hash [0-9A-F]{64} signed in header (\d+): `).FindStringSubmatch(errOut)
		require.NotNil(t, m, errOut)
		requireNext(t, m[1], m[2])
		// Without --verify the header is the node's, and said to be.
		_, errOut, code = via(proof, "query", "land", "parcel", "P-1", "--prove")
		requireOneLineError(t, errOut, code, "proof verification failed: the proof of key "+key+" at state ")
		m = regexp.MustCompile(`at state (\d+) does not lead to app hash [0-9A-F]{64} of header (\d+): `).FindStringSubmatch(errOut)
		require.NotNil(t, m, errOut)
		requireNext(t, m[1], m[2])
		_, errOut, code = via(proof, "certificate", "export", "/land/parcel/P-1", "--out", filepath.Join(t.TempDir(), "c.json"))
		requireOneLineError(t, errOut, code, "does not lead to app hash")
		require.EqualValues(t, 3, proofsAltered.Load(), "one altered answer per command")

		// One byte of header H+1's app hash changed: the header is not
		// the one the validators signed.
		header, headersAltered := lyingProxy(t, n.url, "commit", alterAppHash)
		_, errOut, code = via(header, "query", "land", "parcel", "P-1", "--prove", "--verify", "--trust", genesis)
		requireOneLineError(t, errOut, code, "NOT VERIFIED: verify: wrong header: header ")
		require.Regexp(t, `header \d+ \(app hash [0-9A-F]{64}\) is not the header the validators signed: it hashes to [0-9A-F]{64}, its commit signs block [0-9A-F]{64}\n$`, errOut)
		_, errOut, code = via(header, "query", "land", "parcel", "P-1", "--prove")
		requireOneLineError(t, errOut, code, "proof verification failed: header ")
		require.Contains(t, errOut, "is not the header its commit signs")
		require.EqualValues(t, 2, headersAltered.Load(), "one altered header per command")

		// The same queries straight to the node verify.
		_, errOut, code = n.cli("query", "land", "parcel", "P-1", "--prove", "--verify", "--trust", genesis)
		require.Equal(t, 0, code, errOut)
	})

	n.stop()
}

// requireNext requires header to be state + 1 (both decimal).
func requireNext(t *testing.T, state, header string) {
	t.Helper()
	s, err := strconv.ParseInt(state, 10, 64)
	require.NoError(t, err)
	h, err := strconv.ParseInt(header, 10, 64)
	require.NoError(t, err)
	require.Equal(t, s+1, h)
}

func mustPathKey(t *testing.T, path string) []byte {
	t.Helper()
	k, ok := app.PathKey(path)
	require.True(t, ok, path)
	return k
}

func hashOfHex(t *testing.T, s string) core.Hash {
	t.Helper()
	h, err := core.ParseHash(s)
	require.NoError(t, err)
	return h
}

// uncheckedTx signs msg at sequence 0 without running its Validate: the
// bytes a client that skipped the check would send.
func uncheckedTx(t *testing.T, chainID string, key *client.Key, msg core.Msg) []byte {
	t.Helper()
	body, err := json.Marshal(msg)
	require.NoError(t, err)
	return signTx(t, chainID, key, 0, msg.Type(), body)
}

// signTx signs a transaction envelope of any type and body.
func signTx(t *testing.T, chainID string, key *client.Key, seq uint64, typ string, body []byte) []byte {
	t.Helper()
	tx := &app.Tx{ChainID: chainID, Signer: core.HexBytes(key.PubKey().Bytes()), Sequence: seq, Msg: app.MsgEnvelope{Type: typ, Body: body}}
	sig, err := key.PrivKey.Sign(tx.SignBytes())
	require.NoError(t, err)
	tx.Signature = sig
	b, err := json.Marshal(tx)
	require.NoError(t, err)
	return b
}

type rpcMethodKey struct{}

// lyingProxy is a reverse proxy in front of the node at target that
// passes every JSON-RPC answer through unchanged, except the answers to
// method, which alter may rewrite (an error answer, say, it leaves). It
// returns the proxy's URL and the count of answers altered.
func lyingProxy(t *testing.T, target, method string, alter func(body []byte) ([]byte, bool)) (string, *atomic.Int64) {
	altered := new(atomic.Int64)
	u, err := url.Parse(target)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Context().Value(rpcMethodKey{}) != method {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if b, ok := alter(body); ok {
			body = b
			altered.Add(1)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req struct {
			Method string `json:"method"`
		}
		_ = json.Unmarshal(b, &req)
		r.Body = io.NopCloser(bytes.NewReader(b))
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), rpcMethodKey{}, req.Method)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, altered
}

// alterProof changes one byte, inside a hash near its end, of the first
// proof op of an abci_query answer.
func alterProof(body []byte) ([]byte, bool) {
	var res struct {
		Result struct {
			Response struct {
				ProofOps struct {
					Ops []struct {
						Data string `json:"data"`
					} `json:"ops"`
				} `json:"proofOps"`
			} `json:"response"`
		} `json:"result"`
	}
	if json.Unmarshal(body, &res) != nil || len(res.Result.Response.ProofOps.Ops) == 0 {
		return nil, false
	}
	op := res.Result.Response.ProofOps.Ops[0].Data
	data, err := base64.StdEncoding.DecodeString(op)
	if err != nil || len(data) < 5 {
		return nil, false
	}
	data[len(data)-5] ^= 0x01
	return bytes.Replace(body, []byte(`"`+op+`"`), []byte(`"`+base64.StdEncoding.EncodeToString(data)+`"`), 1), true
}

// alterAppHash changes one hex digit of the app hash of a commit answer's
// header.
func alterAppHash(body []byte) ([]byte, bool) {
	m := regexp.MustCompile(`"app_hash":"([0-9A-F]{64})"`).FindSubmatchIndex(body)
	if m == nil {
		return nil, false
	}
	altered := bytes.Clone(body)
	i := m[2]
	if altered[i] == '0' {
		altered[i] = '1'
	} else {
		altered[i] = '0'
	}
	return altered, true
}
