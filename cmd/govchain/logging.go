package main

import (
	"fmt"
	"io"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// flagLogFormat overrides config.toml's log_format.
const flagLogFormat = "log-format"

// checkLogFormat accepts the log formats CometBFT knows: plain (the
// default, "I[time] message key=value") and json (one JSON object a line).
func checkLogFormat(format string) error {
	switch format {
	case cmtcfg.LogFormatPlain, cmtcfg.LogFormatJSON:
		return nil
	}
	return fmt.Errorf("%q is neither %q nor %q", format, cmtcfg.LogFormatPlain, cmtcfg.LogFormatJSON)
}

// nodeLogger is the logger of start: every line to w in conf's
// log_format, filtered by conf's log_level. In JSON each line is one
// object with "level", "ts", "_msg", "module" and the line's own fields
// (the app's lines carry "height" and "tx_hash" where they concern a block
// or a transaction).
func nodeLogger(conf *cmtcfg.Config, w io.Writer) (cmtlog.Logger, error) {
	if err := checkLogFormat(conf.LogFormat); err != nil {
		return nil, fmt.Errorf("log_format: %w", err)
	}
	base := cmtlog.NewTMLogger(cmtlog.NewSyncWriter(w))
	if conf.LogFormat == cmtcfg.LogFormatJSON {
		base = cmtlog.NewTMJSONLogger(cmtlog.NewSyncWriter(w))
	}
	logger, err := cmtflags.ParseLogLevel(conf.LogLevel, base, cmtcfg.DefaultLogLevel)
	if err != nil {
		return nil, fmt.Errorf("log_level: %w", err)
	}
	return logger, nil
}
