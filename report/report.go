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

// WriteFiles writes the JSON, JUnit and Markdown reports for runs into dir,
// creating it if needed, and returns the paths written. When StepSummaryEnv
// is set it also appends the Markdown there, since earlier steps of the same
// job may have written their own summary. On error, paths holds the files
// already written, and the error is one line that names the file.
func WriteFiles(dir string, runs []conformance.Run) (paths []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %w", dir, err)
	}
	formats := []struct {
		name  string
		write func(io.Writer, []conformance.Run) error
	}{
		{JSONFile, jsonreport.Write},
		{JUnitFile, junitxml.Write},
		{MarkdownFile, markdown.Write},
	}
	var summary []byte
	for _, f := range formats {
		path := filepath.Join(dir, f.name)
		// Rendering fully before touching the file means a format error
		// cannot leave a truncated report behind.
		var buf bytes.Buffer
		if err := f.write(&buf, runs); err != nil {
			return paths, fmt.Errorf("writing %s: %w", path, err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return paths, fmt.Errorf("writing %s: %w", path, withoutPath(err, path))
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
