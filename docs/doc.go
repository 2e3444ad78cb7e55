// Package docs holds govchain's documentation, one Markdown page per user
// and per module, and the test that keeps it true: every ```console
// session of the pages (and of the README) is run against a development
// chain set up as `make run` sets it up, and each command must exit and
// print as the page shows, once what differs between runs (hashes, times,
// heights, ports) is set aside. No command in a page may be cut. The
// package has no code of its own.
package docs
