// Package docs holds govchain's documentation, one Markdown page per user
// and per module, and the tests that keep it true:
//
//   - every ```console session of the pages (and of the README) is run
//     against a development chain set up as `make run` sets it up, in a
//     directory that stands for the repository's root, and each command
//     must exit and print as the page shows, once what differs between
//     runs (hashes, times, heights, ports) is set aside; no command or
//     output line may be cut (TestDocSessions, TestDocsAreComplete);
//   - a file or a command's output that a page shows whole, such as the
//     result-code table `go run ./scripts/codes` prints, must be the file
//     as it is or what the command prints now (TestShownFilesAndOutputs);
//   - every relative link names a file and heading, and the README links
//     every page (TestLinks).
//
// `go test ./docs -update` writes the real output into the pages instead
// of comparing; the diff is then reviewed like code. The package has no
// code of its own; docs/goclient is the Go client example that the client
// developer's page shows and runs.
package docs
