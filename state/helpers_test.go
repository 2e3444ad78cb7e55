package state

import "os"

func removeFile(name string) error { return os.Remove(name) }
