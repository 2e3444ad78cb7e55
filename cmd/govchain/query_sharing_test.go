package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
)

// pathRecorder is a node that answers every abci_query with code 801 and
// records the paths it was asked for.
type pathRecorder struct {
	mu    sync.Mutex
	paths []string
}

func (p *pathRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			Path string `json:"path"`
		} `json:"params"`
	}
	if json.Unmarshal(b, &req) != nil || req.Method != "abci_query" {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.paths = append(p.paths, req.Params.Path)
	p.mu.Unlock()
	fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"response":{"code":801,"log":"sharing: unknown query path","codespace":"govchain","height":"3"}}}`, req.ID)
}

func (p *pathRecorder) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.paths) == 0 {
		return ""
	}
	return p.paths[len(p.paths)-1]
}

// TestQuerySharingPaths runs every sharing query against a node that
// records what it is asked: each command asks for its module path, and a
// malformed argument is refused before anything is asked. The node's
// refusal is printed with its code, in text and in JSON.
func TestQuerySharingPaths(t *testing.T) {
	rec := &pathRecorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	for _, tc := range []struct {
		args []string
		path string
		// err is the one error line's content when the command fails
		// before asking.
		err string
	}{
		{[]string{"purposes"}, "/sharing/purposes", ""},
		{[]string{"purpose", "benefit_eligibility"}, "/sharing/purpose/benefit_eligibility", ""},
		{[]string{"class", "interior", "residence"}, "/sharing/class/interior/residence", ""},
		{[]string{"key", "finance", "fin-1"}, "/sharing/key/finance/fin-1", ""},
		{[]string{"keys", "finance"}, "/sharing/keys/finance", ""},
		{[]string{"record", "interior", "residence", "P-1"}, "/sharing/record/interior/residence/P-1", ""},
		{[]string{"record", "interior", "residence", "P-1", "--history"}, "/sharing/record/interior/residence/P-1/history", ""},
		{[]string{"grant", "12"}, "/sharing/grant/12", ""},
		{[]string{"grants", "interior", "finance"}, "/sharing/grants/interior/finance", ""},
		{[]string{"grantee", "finance"}, "/sharing/grantee/finance", ""},
		{[]string{"consent", "P-1", "finance", "benefit_eligibility"}, "/sharing/consent/P-1/finance/benefit_eligibility", ""},
		{[]string{"consent", "P-1", "finance", "benefit_eligibility", "--history"}, "/sharing/consent/P-1/finance/benefit_eligibility/history", ""},
		{[]string{"request", "7"}, "/sharing/request/7", ""},
		{[]string{"log", "P-1"}, "/sharing/log/P-1", ""},
		{[]string{"log", "P-1", "0"}, "/sharing/log/P-1/0", ""},
		{[]string{"log", "P-1", "42", "--prove"}, "/sharing/log/P-1/42", ""},
		{[]string{"sealed"}, "/sharing/sealed", ""},
		{[]string{"request", "7", "--prove"}, "/sharing/request/7", ""},

		{[]string{"grant", "0"}, "", `"0" is not a grant id (a positive number)`},
		{[]string{"request", "x"}, "", `"x" is not a request id (a positive number)`},
		{[]string{"log", "P-1", "-1"}, "", "unknown shorthand flag: '1' in -1"},
		{[]string{"log", "P-1", "first"}, "", `"first" is not a log sequence number (a number from 0)`},
		{[]string{"class", "interior/x", "residence"}, "", `"interior/x" is not an id (ids are non-empty and contain no /)`},
		{[]string{"record", "interior", "residence"}, "", "accepts 3 arg(s), received 2"},
		{[]string{"log"}, "", "accepts between 1 and 2 arg(s), received 0"},
		{[]string{"key", "finance", "fin-1", "--history"}, "", "unknown flag: --history"},
		{[]string{"purposes", "all"}, "", `unknown command "all" for "govchain query sharing purposes"`},
		{[]string{"sealed", "1"}, "", `unknown command "1" for "govchain query sharing sealed"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			before := rec.last()
			args := append(append([]string{"query", "sharing"}, tc.args...), "--node", srv.URL)
			out, errOut, code := govchain(t, args...)
			require.Empty(t, out)
			if tc.err != "" {
				requireOneLineError(t, errOut, code, tc.err)
				require.Equal(t, before, rec.last(), "nothing was asked")
				return
			}
			requireOneLineError(t, errOut, code, "code 801 (govchain): sharing: unknown query path")
			require.Equal(t, tc.path, rec.last())
			_, errOut, code = govchain(t, append(args, "-o", "json")...)
			requireJSONError(t, errOut, code, errorJSON{Code: 801, Codespace: "govchain", Log: "sharing: unknown query path"})
		})
	}
}

// notFoundNode is a node that answers every abci_query as not found,
// without proofs: with the code and key of answers[path], or code 801.
type notFoundNode struct {
	answers map[string]struct {
		code uint32
		key  []byte
	}
}

func (n *notFoundNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req struct {
		ID     json.RawMessage `json:"id"`
		Params struct {
			Path string `json:"path"`
		} `json:"params"`
	}
	if json.Unmarshal(b, &req) != nil {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	a, ok := n.answers[req.Params.Path]
	if !ok {
		a.code = 801
	}
	fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"response":{"code":%d,"log":"sharing: not found","codespace":"govchain","key":%q,"height":"3"}}}`,
		req.ID, a.code, base64.StdEncoding.EncodeToString(a.key))
}

// TestQuerySharingEmptyLists: a list whose anchor the node answers as not
// found, for the anchor's own key, is printed as the empty list (its
// anchor with a count of 0) and exits 0, in text and JSON; an absence
// proof asked for and not given, an entry past a log's end, a missing
// record and the absence of another key stay the node's error.
func TestQuerySharingEmptyLists(t *testing.T) {
	type answer = struct {
		code uint32
		key  []byte
	}
	node := &notFoundNode{answers: map[string]answer{
		"/sharing/grantee/finance":         {807, sharing.GranteeKey("finance")},
		"/sharing/grants/interior/finance": {807, sharing.PairKey("interior", "finance")},
		"/sharing/keys/justice":            {805, sharing.KeyIndexKey("justice")},
		"/sharing/sealed":                  {809, sharing.SealedIndexKey()},
		"/sharing/log/P-9":                 {810, sharing.LogHeadKey("P-9")},
		"/sharing/log/P-9/0":               {810, sharing.LogEntryKey("P-9", 0)},
		"/sharing/grant/4":                 {807, sharing.GrantKey(4)},
		"/sharing/grantee/justice":         {807, sharing.GranteeKey("finance")},
	}}
	srv := httptest.NewServer(node)
	defer srv.Close()
	for _, tc := range []struct {
		args   []string
		anchor string
	}{
		{[]string{"grantee", "finance"}, `{"agency": "finance", "grant_count": 0}`},
		{[]string{"grants", "interior", "finance"}, `{"owner": "interior", "grantee": "finance", "grant_count": 0, "active_count": 0}`},
		{[]string{"keys", "justice"}, `{"agency": "justice", "key_count": 0, "active": []}`},
		{[]string{"sealed"}, `{"count": 0}`},
		{[]string{"log", "P-9"}, `{"subject": "P-9", "count": 0}`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			args := append(append([]string{"query", "sharing"}, tc.args...), "--node", srv.URL)
			key := node.answers["/sharing/"+strings.Join(tc.args, "/")].key
			for _, extra := range [][]string{nil, {"-o", "json"}} {
				out, errOut, code := govchain(t, append(args, extra...)...)
				require.Equal(t, 0, code, errOut)
				require.Empty(t, errOut)
				var got []struct {
					Key   string          `json:"key"`
					Value json.RawMessage `json:"value"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &got), out)
				require.Len(t, got, 1)
				require.Equal(t, hex.EncodeToString(key), got[0].Key)
				require.JSONEq(t, tc.anchor, string(got[0].Value))
				require.Contains(t, out, "\n  {\n    \"key\": ", "indented like any list answer")
			}
			// --prove with no absence proof in the answer: not an answer.
			_, errOut, code := govchain(t, append(args, "--prove")...)
			requireOneLineError(t, errOut, code, "(govchain): sharing: not found")
		})
	}
	for _, tc := range []struct {
		args []string
		code string
	}{
		{[]string{"log", "P-9", "0"}, "code 810"},
		{[]string{"grant", "4"}, "code 807"},
		{[]string{"grantee", "justice"}, "code 807"},
	} {
		_, errOut, code := govchain(t, append(append([]string{"query", "sharing"}, tc.args...), "--node", srv.URL)...)
		requireOneLineError(t, errOut, code, tc.code+" (govchain): sharing: not found")
	}
}

// TestCovertStatus: the line "query sharing request" prints for a covert
// request, from the request and the proven block time.
func TestCovertStatus(t *testing.T) {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	covert := func(fn func(q *sharing.Request)) *sharing.Request {
		q := &sharing.Request{ID: 3, Covert: true, Outcome: sharing.OutcomeAllowed, DiscloseAt: at}
		fn(q)
		return q
	}
	for _, tc := range []struct {
		name   string
		q      *sharing.Request
		proven time.Time
		want   string
	}{
		{"not covert", &sharing.Request{Outcome: sharing.OutcomeAllowed}, at, ""},
		{"refused", covert(func(q *sharing.Request) { q.Outcome = sharing.OutcomeRefused }), at.Add(time.Hour), ""},
		{"unproven", covert(func(*sharing.Request) {}), time.Time{},
			"covert: sealed until 2026-09-01T00:00:00Z, not disclosed (use --prove to compare with a proven block time)"},
		{"sealed", covert(func(*sharing.Request) {}), at,
			"covert: sealed until 2026-09-01T00:00:00Z, not disclosed (proven block time 2026-09-01T00:00:00Z)"},
		{"overdue", covert(func(*sharing.Request) {}), at.Add(time.Second),
			"covert: OVERDUE: sealed until 2026-09-01T00:00:00Z and not disclosed at the proven block time 2026-09-01T00:00:01Z"},
		{"disclosed", covert(func(q *sharing.Request) { q.Disclosure = &sharing.Disclosure{Height: 40} }), at.Add(time.Hour),
			"covert: disclosed at height 40"},
		{"released early", covert(func(q *sharing.Request) {
			q.Disclosure = &sharing.Disclosure{Height: 9, LogDisclosure: sharing.LogDisclosure{Early: true}}
		}), time.Time{},
			"covert: disclosed early at height 9 (it was sealed until 2026-09-01T00:00:00Z)"},
	} {
		require.Equal(t, tc.want, covertStatus(tc.q, tc.proven), tc.name)
	}
}
