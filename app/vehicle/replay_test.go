package vehicle

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// script runs a mixed workload (sales with approval, lifecycle events, a
// fraud flag, liens, deregistration, inheritance) and returns the final
// state and every event, for the replay test.
func script(t *testing.T) (map[string]string, [][]core.Event) {
	e := newEnv(t).withApproval()
	c := newCast(e)
	var events [][]core.Event
	ok := func(s core.Address, m core.Msg) { events = append(events, e.OK(s, m)) }
	ok(c.registrar, registerMsg(vin1, "AB-1", c.alice))
	ok(c.registrar, registerMsg(vin2, "AB-2", c.bob))
	ok(c.registrar, registerMsg(vinE, "EU-1", c.carol))
	ok(c.alice, e.offer(vin1, c.bob, time.Hour))
	ok(c.bob, AcceptTransfer{TransferID: 1})
	ok(c.registrar, ApproveTransfer{TransferID: 1})
	ok(c.station, RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 5000})
	ok(c.workshop, RecordOdometer{VIN: vin1, OdometerKM: 4000})
	ok(c.insurer, RecordInsurance{VIN: vin2, PolicyNumber: "P", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(time.Hour)})
	ok(c.bank, CreateLien{VIN: vin2, Amount: 9, Currency: "EUR", Reference: "L", DocumentHash: coretest.HashOf("l")})
	ok(c.registrar, ChangePlate{VIN: vinE, NewPlate: "EU-2"})
	ok(c.registrar, DeregisterVehicle{VIN: vinE, Reason: ReasonScrapped})
	e.Die(c.bob)
	ok(c.notary, TransferInheritance{VIN: vin2, Heir: c.alice, CertificateHash: coretest.HashOf("c")})
	return e.Snapshot(), events
}

// TestDeterministicReplay runs the same transactions on two fresh stores:
// the states and events must be identical, byte for byte.
func TestDeterministicReplay(t *testing.T) {
	s1, ev1 := script(t)
	s2, ev2 := script(t)
	require.Equal(t, s1, s2)
	require.Equal(t, ev1, ev2)
	require.NotEmpty(t, s1)
}
