package datasvc

import "context"

// Status is what a database holds: its keys (never the private keys),
// its classes with their record counts, the deliveries it made with
// whether each receipt is confirmed, the payloads it received, and the
// records it erased.
type Status struct {
	Path          string       `json:"path"`
	SchemaVersion int          `json:"schema_version"`
	Agency        string       `json:"agency"`
	Keys          []KeyInfo    `json:"keys"`
	Classes       []ClassCount `json:"classes"`
	Deliveries    []Delivery   `json:"deliveries"`
	Received      []Received   `json:"received"`
	Erasures      []Erasure    `json:"erasures"`
}

// Status reads what the database holds. It reads no value and no private
// key.
func (s *Store) Status(ctx context.Context) (*Status, error) {
	out := &Status{Path: s.path}
	var err error
	if out.SchemaVersion, err = s.Version(ctx); err != nil {
		return nil, err
	}
	if out.Agency, err = s.Agency(ctx); err != nil {
		return nil, err
	}
	if out.Keys, err = s.Keys(ctx); err != nil {
		return nil, err
	}
	if out.Classes, err = s.Classes(ctx); err != nil {
		return nil, err
	}
	if out.Deliveries, err = s.Deliveries(ctx, false); err != nil {
		return nil, err
	}
	if out.Received, err = s.ReceivedPayloads(ctx); err != nil {
		return nil, err
	}
	if out.Erasures, err = s.Erasures(ctx); err != nil {
		return nil, err
	}
	return out, nil
}
