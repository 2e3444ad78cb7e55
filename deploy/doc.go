// Package deploy holds what a ministry's operations team installs beside
// its node, as files, not code: prometheus/alerts.yml (Prometheus alert
// rules) and grafana/govchain.json (a Grafana dashboard). Both read the
// series a node serves on its metrics port (docs/operator.md, "Metrics
// and health"): CometBFT's cometbft_* and govchain's govchain_*.
//
// The package's test parses both files and requires that every metric
// they name is one a node registers, so that a renamed metric cannot
// leave a silent alert or an empty panel behind.
package deploy
