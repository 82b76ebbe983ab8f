package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// completeMark is the file an unpacked tree holds last: a folder without it
// is one an unpack that was cut short left, and is never used.
const completeMark = ".complete"

// unpack writes the files of tree under cache, in a folder named by their
// digest, and returns that folder: the same tree is unpacked once and then
// reused, and a binary built from other sources never sees this one's. The
// folder is written whole under a temporary name and renamed into place, so
// two commands starting at once both end with a complete tree. A tree is
// reused only while it still holds exactly the binary's files: an edited,
// added or removed file (an extra case file would change the suite) makes
// it unpacked again.
func unpack(tree fs.FS, cache string) (string, error) {
	digest, err := treeDigest(tree)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "tree-"+digest[:16])
	if intact(dir, digest) {
		return dir, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, "unpacking-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	err = fs.WalkDir(tree, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == "." {
			return err
		}
		target := filepath.Join(tmp, filepath.FromSlash(path))
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		data, err := fs.ReadFile(tree, path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, completeMark), nil, 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("unpacking the sources into %s: %w", cache, err)
	}
	// A folder of that name is a tree a cut-short unpack left (no mark) or
	// one changed since: replace it. An intact one another command renamed
	// into place a moment ago wins.
	if intact(dir, digest) {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("replacing the changed sources in %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if intact(dir, digest) {
			return dir, nil
		}
		return "", fmt.Errorf("unpacking the sources into %s: %w", cache, err)
	}
	return dir, nil
}

// intact tells whether dir is a complete unpacked tree whose files, mark
// aside, have the digest given.
func intact(dir, digest string) bool {
	if _, err := os.Stat(filepath.Join(dir, completeMark)); err != nil {
		return false
	}
	got, err := treeDigest(withoutMark{os.DirFS(dir)})
	return err == nil && got == digest
}

// withoutMark is an unpacked tree as the binary embedded it: without the
// completeness mark.
type withoutMark struct{ fs.FS }

func (w withoutMark) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(w.FS, name)
	if name == "." {
		entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == completeMark })
	}
	return entries, err
}

// treeDigest is the SHA-256 of every file's path and contents, in the
// order fs.WalkDir visits them (lexical).
func treeDigest(tree fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(tree, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(tree, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
