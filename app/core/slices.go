package core

import "slices"

// Remove returns a copy of list without the elements equal to x, in
// order: a record's list of ids or accounts after one leaves it. list
// itself is not modified, so a record read from the store is never changed
// in place.
func Remove[T comparable](list []T, x T) []T {
	return slices.DeleteFunc(slices.Clone(list), func(e T) bool { return e == x })
}
