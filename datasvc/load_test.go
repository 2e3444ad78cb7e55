package datasvc_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
)

// TestDataServiceLoad: loading a file commits each record once; loading
// it again posts nothing; a changed record gets a new version with fresh
// salts; a bad line refuses the whole file with its line number, storing
// and posting nothing; a line the chain refuses leaves nothing behind
// while the others are committed; a version stored by a load that never
// posted its commit is committed by the next load, not duplicated.
func TestDataServiceLoad(t *testing.T) {
	s := newScenario(t, "load", 3)
	c := s.c
	ctx := ctxOf(t)
	records := map[string]map[string]string{}
	for _, subj := range s.subjects {
		records[subj] = record(subj, 1)
	}
	chainRecord := func(subject string) *sharing.Record {
		var r sharing.Record
		require.True(t, c.query(t, "/sharing/record/interior/load/"+subject, &r))
		return &r
	}
	before := chainRecord(s.subjects[0])
	require.EqualValues(t, 1, before.Version, "newScenario loaded every record once")

	res := s.load(t, records)
	require.Equal(t, datasvc.LoadResult{Class: "load", Agency: "interior", Lines: 3, Unchanged: 3}, *res, "loading again posts nothing")
	require.Equal(t, before, chainRecord(s.subjects[0]))

	records[s.subjects[1]] = record(s.subjects[1], 2)
	res = s.load(t, records)
	require.Equal(t, 1, res.Changed)
	require.Equal(t, 2, res.Unchanged)
	require.Equal(t, 1, res.Committed)
	v1, v2 := chainRecordAt(t, s, s.subjects[1], 1), chainRecord(s.subjects[1])
	require.EqualValues(t, 2, v2.Version)
	for i := range v2.Fields {
		require.NotEqual(t, v1.Fields[i].Commitment, v2.Fields[i].Commitment, "a fresh salt for every field of a new version, %s too", v2.Fields[i].Name)
	}
	stored, err := s.owner.VersionOnChain(ctx, "load", s.subjects[1], 2)
	require.NoError(t, err)
	require.Equal(t, record(s.subjects[1], 2), stored.Values())

	countsBefore, err := s.owner.Classes(ctx)
	require.NoError(t, err)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	good := `{"subject":"` + s.subjects[0] + `","fields":{"address":"new","income":"1","name":"x"}}`
	require.NoError(t, os.WriteFile(bad, []byte(good+"\n"+`{"subject":"`+s.subjects[2]+`","fields":{"address":"a"}}`+"\n"), 0o600))
	_, err = datasvc.Load(ctx, s.owner, c.reader(), c.signer(t, "datasvc-interior"), "load", openFile(t, bad))
	var le *datasvc.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 2, le.Line)
	require.ErrorContains(t, err, "field income of the class is missing")
	countsAfter, err := s.owner.Classes(ctx)
	require.NoError(t, err)
	require.Equal(t, countsBefore, countsAfter, "nothing stored")
	require.EqualValues(t, 1, chainRecord(s.subjects[0]).Version, "nothing posted")

	// A subject that is no registered person: the chain refuses its
	// line; the others go through.
	records["load-nobody"] = record("load-nobody", 1)
	records[s.subjects[2]] = record(s.subjects[2], 3)
	mixed := loadFile(t, records, s.subjects[2], "load-nobody")
	res, err = datasvc.Load(ctx, s.owner, c.reader(), c.signer(t, "datasvc-interior"), "load", openFile(t, mixed))
	require.NoError(t, err)
	require.Equal(t, 1, res.Committed)
	require.Len(t, res.Refused, 1)
	require.Equal(t, 2, res.Refused[0].Line)
	var te *client.TxError
	require.ErrorAs(t, res.Refused[0].Err, &te)
	require.Equal(t, sharing.ErrSubjectNotFound.Code(), te.Code)
	nobody, err := s.owner.LatestVersion(ctx, "load", "load-nobody")
	require.NoError(t, err)
	require.Nil(t, nobody, "nothing of the refused line is kept")
	require.EqualValues(t, 2, chainRecord(s.subjects[2]).Version)

	// A version stored but never committed (a load that crashed before
	// posting) is committed by the next load with the same values.
	changed := record(s.subjects[0], 4)
	var fs []seal.Field
	for _, name := range classFields {
		fs = append(fs, seal.Field{Name: name, Value: changed[name], Salt: seal.NewSalt()})
	}
	pending, err := s.owner.AddVersion(ctx, "load", s.subjects[0], fs)
	require.NoError(t, err)
	records[s.subjects[0]] = changed
	res = s.load(t, map[string]map[string]string{s.subjects[0]: changed, s.subjects[1]: records[s.subjects[1]], s.subjects[2]: records[s.subjects[2]]})
	require.Equal(t, 1, res.Committed)
	latest, err := s.owner.LatestVersion(ctx, "load", s.subjects[0])
	require.NoError(t, err)
	require.Equal(t, pending.Version, latest.Version, "no second version")
	require.EqualValues(t, 2, latest.ChainVersion)
	require.Equal(t, pending.Fields, latest.Fields)
}

// chainRecordAt returns version v of a record from its history.
func chainRecordAt(t *testing.T, s *scenario, subject string, v uint64) *sharing.Record {
	t.Helper()
	res, err := s.c.cl.Query(ctxOf(t), "/sharing/record/interior/"+s.class+"/"+subject+"/history", client.QueryOptions{})
	require.NoError(t, err)
	var entries []client.Entry
	requireJSON(t, res.Value, &entries)
	for _, e := range entries[1:] {
		var h struct {
			Details struct {
				Version uint64                    `json:"version"`
				Fields  []sharing.FieldCommitment `json:"fields"`
			} `json:"details"`
		}
		requireJSON(t, e.Value, &h)
		if h.Details.Version == v {
			return &sharing.Record{Version: v, Fields: h.Details.Fields}
		}
	}
	t.Fatalf("no version %d of %s in the history", v, subject)
	return nil
}
