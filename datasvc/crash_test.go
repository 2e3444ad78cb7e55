package datasvc_test

import (
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/internal/devnode"
)

// serveProcess is govchain datasvc serve, run as a process of the test
// binary's govchain build on interior's database.
type serveProcess struct {
	cmd  *exec.Cmd
	out  *devnode.SyncBuffer
	done <-chan struct{}
}

func (s *scenario) startServe(t *testing.T, listen string, env ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(s.c.bin, "datasvc", "serve", "--home", s.c.home, "--db", s.ownerDB, "--node", s.c.url,
		"--from", "datasvc-interior", "--listen", listen)
	cmd.Env = append(os.Environ(), env...)
	p := &serveProcess{cmd: cmd, out: &devnode.SyncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	done, err := devnode.Spawn(cmd)
	require.NoError(t, err)
	p.done = done
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	// It answers once every stored delivery is settled.
	require.Eventually(t, func() bool {
		select {
		case <-done:
			return true
		default:
		}
		resp, err := http.Get("http://" + listen + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, time.Minute, 100*time.Millisecond)
	return p
}

func (p *serveProcess) wait(t *testing.T) *os.ProcessState {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatalf("serve did not end:\n%s", p.out.String())
	}
	return p.cmd.ProcessState
}

// TestDataServiceCrash: the service is killed (SIGKILL, from the
// faultinject build's hook) right after it stored a delivery and before
// it posted the receipt. Nothing was sent and the chain has no receipt.
// Restarted, it posts the receipt before it serves anything: the chain
// then holds exactly one receipt, for the stored bytes, and those same
// bytes are served. A SIGTERM then stops it cleanly, logging no error.
func TestDataServiceCrash(t *testing.T) {
	s := newScenario(t, "crash", 1)
	s.stop() // this test runs the service as a process
	c := s.c
	subject := s.subjects[0]
	id := s.allowed(t, subject)
	listen := devnode.FreeAddr()
	url := "http://" + listen
	s.url = url
	ctx := ctxOf(t)

	first := s.startServe(t, listen, "GOVCHAIN_FAULT_DATASVC=after-store")
	_, err := s.fetcher(t, c.finance).Fetch(ctx, url, id)
	require.ErrorContains(t, err, "cannot reach the data service", "the connection dies with the service")
	st := first.wait(t)
	ws, ok := st.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "killed: %v\n%s", st, first.out.String())
	require.Contains(t, first.out.String(), "fault injection: killing the data service after storing the delivery of request")

	stored, err := s.owner.Delivery(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, stored, "the delivery was stored before the crash")
	require.False(t, stored.Confirmed())
	require.Nil(t, c.request(t, id).Delivery, "no receipt was posted")
	require.Equal(t, []string{sharing.KindRequest}, c.logKinds(t, subject))

	second := s.startServe(t, listen)
	q := c.request(t, id)
	require.NotNil(t, q.Delivery, "the receipt is posted before the service answers")
	require.Equal(t, stored.PayloadHash, q.Delivery.PayloadHash)
	got, err := s.fetcher(t, c.finance).Fetch(ctx, url, id)
	require.NoError(t, err)
	require.Equal(t, stored.PayloadHash, got.PayloadHash, "the stored bytes are served")
	status, _, body := s.post(t, id, s.signed(t, id))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(body), `"payload_hash":"`+stored.PayloadHash.String()+`"`)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, c.logKinds(t, subject), "exactly one receipt")
	again, err := s.owner.Delivery(ctx, id)
	require.NoError(t, err)
	require.Equal(t, stored.Sealed, again.Sealed)
	require.Equal(t, q.Delivery.Height, again.ReceiptHeight)

	require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
	st = second.wait(t)
	log := second.out.String()
	require.Equal(t, 0, st.ExitCode(), log)
	require.Contains(t, log, "posted=1", "the restart posted the pending receipt")
	require.Contains(t, log, "stopped cleanly")
	require.Empty(t, regexp.MustCompile(`(?m)^.*level=(ERROR|WARN).*$`).FindAllString(log, -1), "no error on a clean stop:\n%s", log)
	require.NotContains(t, log, "Main St", "no value is logged")
}
