package invoice

// PathKey returns the store key the answer to an invoice query path
// (without the leading "invoice", as Query takes it) rests on: the record,
// or the anchor of a list, which is also the key whose absence a not-found
// answer proves. Every page of a paged list rests on the same anchor. ok
// is false for a path Query refuses as malformed or unknown; a page start
// beyond the anchor's count is well formed (Query refuses it only after
// reading the anchor). Query reads exactly this key, so a client can check
// that a proof is of the key the path names.
func PathKey(path []string) (key []byte, ok bool) {
	key, _, err := resolve(path)
	return key, err == nil
}
