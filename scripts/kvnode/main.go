package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/spf13/viper"
)

func main() {
	home := flag.String("home", "", "node home made by govchain testnet init")
	flag.Parse()
	if err := run(*home); err != nil {
		fmt.Fprintln(os.Stderr, "kvnode:", err)
		os.Exit(1)
	}
}

// loadConfig reads home's config.toml with viper, as CometBFT's own
// command and govchain start do.
func loadConfig(home string) (*cmtcfg.Config, error) {
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, cmtcfg.DefaultConfigDir, cmtcfg.DefaultConfigFileName))
	v.SetConfigType("toml")
	if err := v.ReadInConfig(); err != nil {
		return nil, err
	}
	conf := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return nil, err
	}
	conf.SetRoot(home)
	return conf, conf.ValidateBasic()
}

// run starts the node and blocks until a signal or the node's own stop.
func run(home string) error {
	if home == "" {
		return errors.New("--home is required")
	}
	home, err := filepath.Abs(home)
	if err != nil {
		return err
	}
	conf, err := loadConfig(home)
	if err != nil {
		return err
	}
	logger, err := cmtflags.ParseLogLevel(conf.LogLevel, cmtlog.NewTMLogger(cmtlog.NewSyncWriter(os.Stdout)), cmtcfg.DefaultLogLevel)
	if err != nil {
		return err
	}
	nodeKey, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return err
	}
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	kv := kvstore.NewPersistentApplication(filepath.Join(conf.DBDir(), "kvstore"))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	n, err := node.NewNodeWithContext(ctx, conf, pv, nodeKey,
		proxy.NewLocalClientCreator(kv),
		node.DefaultGenesisDocProviderFunc(conf),
		cmtcfg.DefaultDBProvider,
		node.DefaultMetricsProvider(conf.Instrumentation),
		logger,
	)
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-n.Quit():
	}
	if n.IsRunning() {
		_ = n.Stop()
	}
	n.Wait()
	return kv.Close()
}
