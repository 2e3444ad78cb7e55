package durable

import (
	"errors"
	"os"
)

// WriteFile creates or truncates name, writes data and fsyncs the file
// before closing it. The directory entry itself is durable only once the
// directory is synced (Sync).
func WriteFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// Sync fsyncs a file or directory. On Linux an fsync through any file
// descriptor, even a read-only one, flushes the inode's dirty pages.
func Sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
