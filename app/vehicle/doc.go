// Package vehicle is the vehicle registry: vehicles registered by VIN with
// their plate, owner and tax-liable account; sales from owner to buyer in
// which ownership and tax liability move together; the vehicle's life
// (inspections, repairs, insurance, odometer readings) appended by the role
// that may write each; banks' liens; plate changes; deregistration and
// reinstatement; inheritance; and a provable history of every change.
//
// The app sees this package only through its Module value (module.go; see
// core.Module), whose genesis section is Params (the one genesis setting).
// Every message implements core.Msg: Validate is stateless; Exec checks
// authorisation first, refuses with one of the sentinels in errors.go, and
// writes only through ctx.KV, so a refused message leaves nothing once the
// caller discards its branch.
//
// # VINs and the check digit
//
// A VIN is 17 upper-case ASCII letters and digits without I, O or Q (ISO
// 3779). ISO 3779 itself defines no check digit; North America (49 CFR
// 565) makes position 9 one, computed with fixed weights over the
// transliterated characters, remainder 10 written X. Whether a VIN carries
// one cannot be told from the VIN alone (a European VIN may have any
// character there), so vehicle/register_vehicle states it in
// check_digit_scheme: "north_american" (the check digit is enforced) or
// "none" (position 9 is not checked). The registrar takes the scheme from
// the manufacturer's certificate of conformity. "none" is refused for a
// VIN whose first character is 1-5, the North American manufacturer codes,
// which always carry the check digit, so a typo in such a VIN can never be
// registered by declaring the scheme away. The scheme is kept on the record.
//
// # Sale
//
// The owner offers the vehicle to one buyer with a price and a deadline
// (vehicle/offer_transfer); a vehicle has at most one open transfer, and an
// expired open transfer is closed as "expired" when a new offer is made.
// The buyer accepts (vehicle/accept_transfer). Unless the genesis parameter
// RegistrarApprovalRequired is set, the acceptance completes the sale: the
// owner, the tax_liable account and both owner indexes change in the same
// transaction, so a sold vehicle is never still taxed to its seller. With
// the parameter set, acceptance leaves the transfer "accepted" and a
// vehicle_registrar completes it with vehicle/approve_transfer. The seller
// or buyer may cancel before completion (a registrar too, once expired);
// after the deadline nothing but cancellation is accepted. Active liens, a
// deregistration or a deceased seller block completion.
//
// # Odometer fraud flags
//
// Odometer readings come with vehicle/record_odometer, inspections and
// repairs. A reading lower than the recorded one is refused as a reading,
// but the attempt must leave a trace, and a refused transaction leaves
// none (its branch is discarded). So such a message SUCCEEDS without
// touching the odometer: it increments the vehicle's fraud_flags, appends
// an "odometer_rollback" history entry with the claimed and the recorded
// readings and the message that carried it, and emits an event with action
// odometer_rollback (searchable as vehicle.action='odometer_rollback').
// An inspection or repair with a lower reading is still recorded (it
// happened; odometer_accepted is false in its entry), followed by the flag.
// An equal reading is accepted.
//
// # Liens
//
// A bank's lien (vehicle/create_lien) is active from creation, without the
// owner's acceptance: as with vehicle title lien notation and secured-
// transaction registries, the registration is made by the secured party on
// the strength of the loan agreement the owner signed, whose SHA-256 is on
// chain; requiring a second on-chain signature would let a defaulting owner
// keep the lien off the register. The bank's role is granted and revocable
// by the agencies, every lien is in the vehicle's history and event stream
// (with the owner's account), and only its bank releases it. While active,
// liens block every sale; inheritance moves the vehicle with its liens.
//
// # Deregistration and inheritance
//
// A vehicle_registrar deregisters a vehicle as scrapped, exported or
// stolen; its open transfer is cancelled, its plate stays bound to it (a
// stolen vehicle is still found by plate) and every message about it other
// than vehicle/reinstate_vehicle is refused with ErrVehicleDeregistered.
// When an owner's account is recorded as deceased (core.StatusDeceased) the
// owner can no longer sign, and a notary moves the vehicle to the heir
// named by the inheritance certificate (vehicle/transfer_inheritance, with
// the certificate's SHA-256); a vehicle has one registered owner, so the
// certificate (or the estate's partition) designates the heir who takes
// it. Sales from a deceased seller cannot complete.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time
// is ctx.BlockTime.
package vehicle
