package sharing

import "github.com/govchain/govchain/app/core"

// The sharing module's sentinels, each with its released result code
// (800-899) written beside it: a code never moves or changes meaning, and
// a new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold. A signer without the role a message
// needs is refused with core.ErrMissingRole, one who is no agency's admin
// with core.ErrNotAgencyAdmin.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(800, core.ErrInvalid, "sharing: invalid message")
	// ErrUnknownQuery: the query path is not one of the module's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(801, core.ErrInvalid, "sharing: unknown query path")
	// ErrExpiryOutOfRange: a grant's expires_at or a key's valid_until is
	// not after the block time or is more than MaxHorizonYears after it.
	ErrExpiryOutOfRange = core.NewCodedError(802, core.ErrInvalid, "sharing: expiry must be after the block time and at most 5 years ahead")

	// ErrPurposeNotFound: no purpose has the code.
	ErrPurposeNotFound = core.NewCodedError(803, core.ErrNotFound, "sharing: purpose not found")
	// ErrClassNotFound: the agency declared no class with the id.
	ErrClassNotFound = core.NewCodedError(804, core.ErrNotFound, "sharing: data class not found")
	// ErrKeyNotFound: the agency registered no key with the id.
	ErrKeyNotFound = core.NewCodedError(805, core.ErrNotFound, "sharing: agency key not found")
	// ErrRecordNotFound: the owner holds no record on the subject in the
	// class.
	ErrRecordNotFound = core.NewCodedError(806, core.ErrNotFound, "sharing: record not found")
	// ErrGrantNotFound: no grant has the id.
	ErrGrantNotFound = core.NewCodedError(807, core.ErrNotFound, "sharing: grant not found")
	// ErrConsentNotFound: the subject never gave the agency consent for
	// the purpose.
	ErrConsentNotFound = core.NewCodedError(808, core.ErrNotFound, "sharing: consent not found")
	// ErrRequestNotFound: no access request has the id.
	ErrRequestNotFound = core.NewCodedError(809, core.ErrNotFound, "sharing: access request not found")
	// ErrLogNotFound: the subject's access log has no such entry, or no
	// entry at all (queries).
	ErrLogNotFound = core.NewCodedError(810, core.ErrNotFound, "sharing: access log entry not found")
	// ErrAgencyNotFound: the agency a message names is not a member
	// agency.
	ErrAgencyNotFound = core.NewCodedError(811, core.ErrNotFound, "sharing: agency not found")
	// ErrSubjectNotFound: the subject is no person of the identity
	// registry.
	ErrSubjectNotFound = core.NewCodedError(812, core.ErrNotFound, "sharing: subject is not a registered person")

	// ErrNotGrantee: the requesting official's agency is not the grant's
	// grantee.
	ErrNotGrantee = core.NewCodedError(813, core.ErrUnauthorized, "sharing: signer's agency is not the grantee")
	// ErrNotOwnerAgency: the signer does not act for the agency that owns
	// the grant or the record.
	ErrNotOwnerAgency = core.NewCodedError(814, core.ErrUnauthorized, "sharing: signer does not act for the owner agency")
	// ErrNotRequester: the signer's agency did not make the request.
	ErrNotRequester = core.NewCodedError(815, core.ErrUnauthorized, "sharing: signer's agency did not make the request")
	// ErrNotSubject: the signer's account is not linked to a person of the
	// identity registry.
	ErrNotSubject = core.NewCodedError(816, core.ErrUnauthorized, "sharing: signer's account is not linked to a person")
	// ErrSubjectNotCovered: the grant names subjects and the request's is
	// not one of them.
	ErrSubjectNotCovered = core.NewCodedError(817, core.ErrUnauthorized, "sharing: subject not covered by the grant")
	// ErrFieldNotCovered: a requested field is not one of the grant's.
	ErrFieldNotCovered = core.NewCodedError(818, core.ErrUnauthorized, "sharing: field not covered by the grant")
	// ErrPurposeMismatch: the request's purpose is not the grant's.
	ErrPurposeMismatch = core.NewCodedError(819, core.ErrUnauthorized, "sharing: purpose differs from the grant's")
	// ErrConsentMissing: the grant requires the subject's consent, which
	// is not given.
	ErrConsentMissing = core.NewCodedError(820, core.ErrUnauthorized, "sharing: subject's consent is not given")

	// ErrClassExists: the agency already declared a class with the id.
	ErrClassExists = core.NewCodedError(821, core.ErrConflict, "sharing: data class already declared")
	// ErrKeyExists: the agency already registered a key with the id (key
	// ids are never reused).
	ErrKeyExists = core.NewCodedError(822, core.ErrConflict, "sharing: key id already registered")
	// ErrTooManyKeys: the agency already holds MaxActiveKeys active keys.
	ErrTooManyKeys = core.NewCodedError(823, core.ErrConflict, "sharing: agency holds too many active keys")
	// ErrKeyRevoked: the key is revoked.
	ErrKeyRevoked = core.NewCodedError(824, core.ErrConflict, "sharing: key is revoked")
	// ErrKeyExpired: the block time is past the key's valid_until.
	ErrKeyExpired = core.NewCodedError(825, core.ErrConflict, "sharing: key has expired")
	// ErrFieldsMismatch: a commitment does not cover exactly the class's
	// fields in the class's order.
	ErrFieldsMismatch = core.NewCodedError(826, core.ErrConflict, "sharing: fields differ from the class's")
	// ErrRecordErased: the record was erased; it is frozen.
	ErrRecordErased = core.NewCodedError(827, core.ErrConflict, "sharing: record is erased")
	// ErrSelfGrant: an agency cannot grant access to itself.
	ErrSelfGrant = core.NewCodedError(828, core.ErrConflict, "sharing: grantee is the owner")
	// ErrFieldNotInClass: a grant names a field its class does not have.
	ErrFieldNotInClass = core.NewCodedError(829, core.ErrConflict, "sharing: field is not in the class")
	// ErrPurposeNotInClass: a grant names a purpose its class was not
	// declared for.
	ErrPurposeNotInClass = core.NewCodedError(830, core.ErrConflict, "sharing: purpose is not one of the class's")
	// ErrPurposeRetired: the purpose is retired; no new class or grant may
	// name it.
	ErrPurposeRetired = core.NewCodedError(831, core.ErrConflict, "sharing: purpose is retired")
	// ErrTooManyGrants: the owner already has MaxActiveGrants active
	// grants to the grantee.
	ErrTooManyGrants = core.NewCodedError(832, core.ErrConflict, "sharing: too many active grants to the grantee")
	// ErrGrantRevoked: the grant is revoked.
	ErrGrantRevoked = core.NewCodedError(833, core.ErrConflict, "sharing: grant is revoked")
	// ErrGrantExpired: the block time is past the grant's expires_at.
	ErrGrantExpired = core.NewCodedError(834, core.ErrConflict, "sharing: grant has expired")
	// ErrNoActiveGrants: the owner has no active grant to the grantee.
	ErrNoActiveGrants = core.NewCodedError(835, core.ErrConflict, "sharing: no active grant to the grantee")
	// ErrConsentGiven: the consent is already given.
	ErrConsentGiven = core.NewCodedError(836, core.ErrConflict, "sharing: consent already given")
	// ErrConsentWithdrawn: the consent is already withdrawn.
	ErrConsentWithdrawn = core.NewCodedError(837, core.ErrConflict, "sharing: consent already withdrawn")
	// ErrRateLimited: the grant's current window has had max_requests
	// allowed requests.
	ErrRateLimited = core.NewCodedError(838, core.ErrConflict, "sharing: grant's request limit reached for this period")
	// ErrRequestRefused: the request was refused; nothing may be delivered
	// or complained of.
	ErrRequestRefused = core.NewCodedError(839, core.ErrConflict, "sharing: request was refused")
	// ErrAlreadyDelivered: the request already has a delivery receipt.
	ErrAlreadyDelivered = core.NewCodedError(840, core.ErrConflict, "sharing: request already delivered")
	// ErrRecordChanged: the record was committed again after the request;
	// the requester asks again for the new version.
	ErrRecordChanged = core.NewCodedError(841, core.ErrConflict, "sharing: record changed since the request")
	// ErrNotDelivered: the request has no delivery receipt yet.
	ErrNotDelivered = core.NewCodedError(842, core.ErrConflict, "sharing: request not delivered")
	// ErrPayloadMismatch: the payload hash is not the delivery receipt's.
	ErrPayloadMismatch = core.NewCodedError(843, core.ErrConflict, "sharing: payload hash differs from the delivery's")
	// ErrFieldNotRequested: the field was not requested.
	ErrFieldNotRequested = core.NewCodedError(844, core.ErrConflict, "sharing: field was not requested")
	// ErrNoDiscrepancy: the received commitment equals the committed one.
	ErrNoDiscrepancy = core.NewCodedError(845, core.ErrConflict, "sharing: received commitment matches the record's")
	// ErrComplaintExists: the field of the request was already complained
	// of.
	ErrComplaintExists = core.NewCodedError(846, core.ErrConflict, "sharing: field already complained of")
	// ErrTooManyPurposes: the purpose list already holds MaxPurposes codes.
	ErrTooManyPurposes = core.NewCodedError(847, core.ErrConflict, "sharing: too many purposes")

	// ErrCovertConsent: a grant for a covert purpose would require the
	// subject's consent, which would tell the subject of the requests.
	ErrCovertConsent = core.NewCodedError(848, core.ErrConflict, "sharing: a grant for a covert purpose cannot require consent")
	// ErrCovertFormRequired: a request names its fields or case reference
	// in the clear under a covert purpose. Such a refusal is not recorded
	// (and CheckTx does not admit it), so its details reach no block.
	ErrCovertFormRequired = core.NewCodedError(849, core.ErrConflict, "sharing: the purpose is covert: the request must carry its details sealed")
	// ErrPurposeNotCovert: a request carries sealed details under a
	// purpose that is not covert.
	ErrPurposeNotCovert = core.NewCodedError(850, core.ErrConflict, "sharing: the purpose is not covert: the request must name its fields")
	// ErrNoOverseer: the covert purpose has no overseer agency.
	ErrNoOverseer = core.NewCodedError(851, core.ErrConflict, "sharing: the covert purpose has no overseer")
	// ErrDiscloseAtOutOfRange: a covert request's disclose_at is not after
	// the block time, or is more than the purpose's max_secrecy_seconds
	// after it.
	ErrDiscloseAtOutOfRange = core.NewCodedError(852, core.ErrInvalid, "sharing: disclose_at must be after the block time and within the purpose's max secrecy")
	// ErrSealedDetailsSize: a sealed copy of a covert request's details
	// is not the size the key's suite and the grant's fields give.
	ErrSealedDetailsSize = core.NewCodedError(853, core.ErrInvalid, "sharing: sealed details are not the size the grant gives")
	// ErrNotDiscloser: the signer neither acts for the covert request's
	// overseer as a court or ombudsman nor for its requester as a data
	// officer.
	ErrNotDiscloser = core.NewCodedError(854, core.ErrUnauthorized, "sharing: signer may not disclose the request")
	// ErrRequestNotCovert: the request is not covert; there is nothing to
	// disclose.
	ErrRequestNotCovert = core.NewCodedError(855, core.ErrConflict, "sharing: request is not covert")
	// ErrStillSealed: the request's details are sealed until its
	// disclose_at; only its overseer may release them before, and nothing
	// about its fields may be recorded before.
	ErrStillSealed = core.NewCodedError(856, core.ErrConflict, "sharing: request is sealed until its disclose_at")
	// ErrAlreadyDisclosed: the request's details are already disclosed.
	ErrAlreadyDisclosed = core.NewCodedError(857, core.ErrConflict, "sharing: request already disclosed")
	// ErrDetailsMismatch: the details given do not hash to the request's
	// details commitment.
	ErrDetailsMismatch = core.NewCodedError(858, core.ErrConflict, "sharing: details do not match the request's commitment")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery, ErrExpiryOutOfRange,
	ErrPurposeNotFound, ErrClassNotFound, ErrKeyNotFound, ErrRecordNotFound, ErrGrantNotFound,
	ErrConsentNotFound, ErrRequestNotFound, ErrLogNotFound, ErrAgencyNotFound, ErrSubjectNotFound,
	ErrNotGrantee, ErrNotOwnerAgency, ErrNotRequester, ErrNotSubject,
	ErrSubjectNotCovered, ErrFieldNotCovered, ErrPurposeMismatch, ErrConsentMissing,
	ErrClassExists, ErrKeyExists, ErrTooManyKeys, ErrKeyRevoked, ErrKeyExpired,
	ErrFieldsMismatch, ErrRecordErased, ErrSelfGrant, ErrFieldNotInClass, ErrPurposeNotInClass,
	ErrPurposeRetired, ErrTooManyGrants, ErrGrantRevoked, ErrGrantExpired, ErrNoActiveGrants,
	ErrConsentGiven, ErrConsentWithdrawn, ErrRateLimited, ErrRequestRefused, ErrAlreadyDelivered,
	ErrRecordChanged, ErrNotDelivered, ErrPayloadMismatch, ErrFieldNotRequested, ErrNoDiscrepancy,
	ErrComplaintExists, ErrTooManyPurposes,
	ErrCovertConsent, ErrCovertFormRequired, ErrPurposeNotCovert, ErrNoOverseer, ErrDiscloseAtOutOfRange,
	ErrSealedDetailsSize, ErrNotDiscloser, ErrRequestNotCovert, ErrStillSealed, ErrAlreadyDisclosed,
	ErrDetailsMismatch,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
