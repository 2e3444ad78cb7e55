package main

import (
	"errors"
	"net"
	"strings"
	"sync/atomic"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// stopLogger is the logger start gives CometBFT's node. Once Stopping was
// called (a clean stop on SIGINT or SIGTERM has begun), it logs at debug
// level, not error, the lines CometBFT logs at error level whenever the
// node closes its own listeners, which it does on every stop:
//
//   - node.startRPC: "Error serving server" (or "... with TLS") with the
//     Accept error of the RPC listener that Node.OnStop closed ("use of
//     closed network connection"); rpcserver.Serve has already logged
//     "RPC HTTP server stopped" at info level;
//   - p2p.Switch.acceptRoutine: "Stopped accept routine, as transport is
//     closed", after Node.OnStop closed the P2P transport.
//
// Every other line, and these same lines before a stop began, pass
// unchanged: a clean stop logs no error, and an error while running is
// still one.
type stopLogger struct {
	cmtlog.Logger
	stopping *atomic.Bool
}

func newStopLogger(l cmtlog.Logger) stopLogger {
	return stopLogger{Logger: l, stopping: new(atomic.Bool)}
}

// Stopping marks the start of a clean stop.
func (l stopLogger) Stopping() { l.stopping.Store(true) }

// With implements cmtlog.Logger.
func (l stopLogger) With(keyvals ...any) cmtlog.Logger {
	return stopLogger{Logger: l.Logger.With(keyvals...), stopping: l.stopping}
}

// Error implements cmtlog.Logger.
func (l stopLogger) Error(msg string, keyvals ...any) {
	if l.stopping.Load() && closedOnStop(msg, keyvals) {
		l.Logger.Debug(msg, keyvals...)
		return
	}
	l.Logger.Error(msg, keyvals...)
}

// closedOnStop reports whether an error line is one of the lines a node
// logs for closing its own listeners (see stopLogger).
func closedOnStop(msg string, keyvals []any) bool {
	if msg == "Stopped accept routine, as transport is closed" {
		return true
	}
	if !strings.HasPrefix(msg, "Error serving server") {
		return false
	}
	for i := 0; i+1 < len(keyvals); i += 2 {
		if err, ok := keyvals[i+1].(error); ok && keyvals[i] == "err" && errors.Is(err, net.ErrClosed) {
			return true
		}
	}
	return false
}
