package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Names of the node's health gauges (RegisterNode).
const (
	Ready               = Namespace + "_ready"
	LastBlockAgeSeconds = Namespace + "_last_block_age_seconds"
	PeersAppHashAgree   = Namespace + "_peers_app_hash_agree"
	PeersAppHashDiffer  = Namespace + "_peers_app_hash_differ"
)

// NodeStatus is the node's health as its /readyz computes it.
type NodeStatus struct {
	// Ready is /readyz's verdict.
	Ready bool
	// LastBlockAge is the time since the newest stored block.
	LastBlockAge time.Duration
	// PeersAgree and PeersDiffer count the peers whose header after this
	// node's committed height carries its app hash, or another.
	PeersAgree, PeersDiffer int
}

// RegisterNode registers on reg the gauges of the node's health, which
// call probe once per scrape.
func RegisterNode(reg prometheus.Registerer, probe func() NodeStatus) error {
	return reg.Register(&nodeCollector{probe: probe,
		ready: prometheus.NewDesc(Ready, "1 when /readyz answers ready, else 0.", nil, nil),
		age:   prometheus.NewDesc(LastBlockAgeSeconds, "Seconds since the time of the newest block this node stores.", nil, nil),
		agree: prometheus.NewDesc(PeersAppHashAgree, "Peers whose next header carries this node's app hash.", nil, nil),
		differ: prometheus.NewDesc(PeersAppHashDiffer,
			"Peers whose next header carries another app hash than this node's (this node or they diverged).", nil, nil),
	})
}

type nodeCollector struct {
	probe                     func() NodeStatus
	ready, age, agree, differ *prometheus.Desc
}

func (c *nodeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.ready
	ch <- c.age
	ch <- c.agree
	ch <- c.differ
}

func (c *nodeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.probe()
	ready := 0.0
	if s.Ready {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, ready)
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, s.LastBlockAge.Seconds())
	ch <- prometheus.MustNewConstMetric(c.agree, prometheus.GaugeValue, float64(s.PeersAgree))
	ch <- prometheus.MustNewConstMetric(c.differ, prometheus.GaugeValue, float64(s.PeersDiffer))
}
