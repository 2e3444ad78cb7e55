package notary

// PathKey returns the store key the answer to a notary query path
// (without the leading "notary", as Query takes it) rests on: the
// document (also the anchor of its history), which is also the key whose
// absence a not-found answer proves. ok is false for a path Query refuses
// as malformed or unknown. Query resolves the path through the same
// function and reads exactly this key, so a client can check that a proof
// is of the key the path names.
func PathKey(path []string) (key []byte, ok bool) {
	key, _, err := resolve(path)
	return key, err == nil
}
