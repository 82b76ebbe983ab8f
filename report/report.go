// Package report writes every report format for a conformance run into one
// directory, so that CI uploads a single artifact and the local harness and
// CI produce the same files. Each format lives in its own subpackage, which
// must not import this one.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/report/junitxml"
	"github.com/stackslice/stackslice/report/markdown"
)

// File names inside the output directory, fixed so that CI configuration
// can point at them.
const (
	JSONFile     = "report.json"
	JUnitFile    = "junit.xml"
	MarkdownFile = "summary.md"
)

// StepSummaryEnv names the file GitHub Actions renders as the job summary.
const StepSummaryEnv = "GITHUB_STEP_SUMMARY"

// Files are the report files WriteFiles writes, in order.
var Files = []string{JSONFile, JUnitFile, MarkdownFile}

// Clear removes the reports of an earlier run from dir, so that a run that
// dies before writing its own leaves none that would pass for current.
func Clear(dir string) error {
	for _, name := range Files {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing the previous %s: %w", name, err)
		}
	}
	return nil
}

// WriteFiles writes the JSON, JUnit and Markdown reports for o into dir,
// creating it if needed, and returns the paths written. Each file is written
// whole under a temporary name and then renamed, so that a full disk or a
// crash never leaves a truncated report behind. When StepSummaryEnv is set it
// also appends the Markdown there, since earlier steps of the same job may
// have written their own summary. On error, paths holds the files already
// written, and the error is one line that names the file.
func WriteFiles(dir string, o conformance.Outcome) (paths []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %w", dir, err)
	}
	formats := []struct {
		name  string
		write func(io.Writer, conformance.Outcome) error
	}{
		{JSONFile, jsonreport.Write},
		{JUnitFile, junitxml.Write},
		{MarkdownFile, markdown.Write},
	}
	var summary []byte
	for _, f := range formats {
		path := filepath.Join(dir, f.name)
		var buf bytes.Buffer
		if err := f.write(&buf, o); err != nil {
			return paths, fmt.Errorf("writing %s: %w", path, err)
		}
		if err := WriteAtomically(path, buf.Bytes()); err != nil {
			return paths, fmt.Errorf("writing %s: %w", path, err)
		}
		paths = append(paths, path)
		if f.name == MarkdownFile {
			summary = buf.Bytes()
		}
	}
	if path := os.Getenv(StepSummaryEnv); path != "" {
		// The blank line keeps the heading a heading when the summary so far
		// does not end with a newline.
		if err := appendFile(path, append([]byte("\n"), summary...)); err != nil {
			return paths, fmt.Errorf("appending to %s %s: %w", StepSummaryEnv, path, withoutPath(err, path))
		}
	}
	return paths, nil
}

// write writes a report's bytes; tests replace it to fill the disk.
var write = (*os.File).Write

// WriteAtomically replaces path with data in one rename: readers see the old
// file or the whole new one, never a part.
func WriteAtomically(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return unwrapPath(err)
	}
	_, err = write(f, data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return unwrapPath(err)
	}
	return nil
}

func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// withoutPath drops the file name an *os.PathError repeats when the message
// already names that file, keeping errors short enough to read on one line.
func withoutPath(err error, path string) error {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) && pathErr.Path == path {
		return pathErr.Err
	}
	return err
}

// unwrapPath drops the paths an *os.PathError or *os.LinkError holds: the
// caller names the report.
func unwrapPath(err error) error {
	var pathErr *os.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		return pathErr.Err
	case errors.As(err, &linkErr):
		return linkErr.Err
	}
	return err
}
