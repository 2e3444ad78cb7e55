package testnet

import (
	"net"
	"sync"
	"time"
)

// linkProxy forwards the TCP connections it accepts to one target (a
// node's P2P listener). Cut closes every live connection and closes each
// new one at once (the dialer sees a refused peer); a delay holds every
// chunk of data for that long before it is passed on, in each direction,
// without limiting the throughput.
type linkProxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	delay time.Duration
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// newLinkProxy listens on laddr (host:0 picks a port) and forwards to
// target.
func newLinkProxy(laddr, target string) (*linkProxy, error) {
	l, err := net.Listen("tcp", laddr)
	if err != nil {
		return nil, err
	}
	p := &linkProxy{l: l, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listening address, host:port.
func (p *linkProxy) Addr() string { return p.l.Addr().String() }

// SetCut cuts (true) or restores (false) the link.
func (p *linkProxy) SetCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			_ = c.Close()
		}
	}
}

// SetDelay sets the one-way delay of data through the proxy, for
// connections open now and later.
func (p *linkProxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

func (p *linkProxy) currentDelay() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delay
}

// Close stops the proxy and closes every connection through it.
func (p *linkProxy) Close() {
	_ = p.l.Close()
	p.SetCut(true)
	p.wg.Wait()
}

// track registers c unless the link is cut.
func (p *linkProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *linkProxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *linkProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.l.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(in) {
			_ = in.Close()
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(in)
			defer in.Close()
			out, err := net.DialTimeout("tcp", p.target, 2*time.Second)
			if err != nil {
				return
			}
			if !p.track(out) {
				_ = out.Close()
				return
			}
			defer p.untrack(out)
			defer out.Close()
			done := make(chan struct{}, 2)
			go func() { p.pipe(out, in); done <- struct{}{} }()
			go func() { p.pipe(in, out); done <- struct{}{} }()
			<-done
			// One direction ended: end the other as a broken link would.
			_ = in.Close()
			_ = out.Close()
			<-done
		}()
	}
}

// chunk is data read from one side, due at the other side at due.
type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, holding each chunk for the current delay.
func (p *linkProxy) pipe(dst, src net.Conn) {
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 32*1024)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{data: buf[:n], due: time.Now().Add(p.currentDelay())}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		if d := time.Until(c.due); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(c.data); err != nil {
			_ = dst.Close()
			_ = src.Close()
			for range q { // let the reader finish
			}
			return
		}
	}
}
