// Package markdown writes a conformance summary for people: a verdict, an
// arch × build matrix and the failures with their output. It is sized and
// shaped for GitHub's job summary (GITHUB_STEP_SUMMARY), which renders
// GitHub Flavored Markdown.
package markdown

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
)

// OutputTailLines bounds the output shown per failed case, so that a run
// with many failures stays readable and within the job summary size limit.
const OutputTailLines = 20

const (
	passMark = "✅"
	failMark = "❌"
	// noRun marks an arch and build that were not selected, as opposed to
	// one that failed.
	noRun = "—"
)

// Write writes the summary for o.
func Write(w io.Writer, o conformance.Outcome) error {
	runs := o.Runs
	var b strings.Builder
	b.WriteString("## stackslice conformance\n\n")
	if o.Interrupted {
		b.WriteString("⚠️ **Interrupted**: these results are partial.\n\n")
	}
	writeTotal(&b, o)
	if len(runs) > 0 {
		b.WriteString("\n")
		writeMatrix(&b, runs)
		b.WriteString("\n")
		writeRunners(&b, runs)
	}
	writeFailures(&b, runs)
	writeNotes(&b, runs)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing Markdown summary: %w", err)
	}
	return nil
}

func writeTotal(b *strings.Builder, o conformance.Outcome) {
	runs := o.Runs
	passed, failed := conformance.Totals(runs)
	// Nothing passing proves nothing, so an empty selection is not green.
	mark := passMark
	if !o.OK() {
		mark = failMark
	}
	fmt.Fprintf(b, "%s %d passed, %d failed\n", mark, passed, failed)
	if summary := o.Summary(); summary != "" && !o.Interrupted {
		fmt.Fprintf(b, "\n**%s**\n", summary)
	}
	if len(runs) == 0 {
		b.WriteString("\nNo arch and build was run.\n")
	}
}

// writeMatrix puts archs in rows and builds in columns, both in the order
// they first appear, so that the table follows the order runs were selected in.
func writeMatrix(b *strings.Builder, runs []conformance.Run) {
	var archs, builds []string
	cells := map[[2]string][]string{}
	for _, r := range runs {
		if !slices.Contains(archs, r.Label()) {
			archs = append(archs, r.Label())
		}
		if !slices.Contains(builds, r.Build) {
			builds = append(builds, r.Build)
		}
		key := [2]string{r.Label(), r.Build}
		cells[key] = append(cells[key], cell(r.Cell()))
	}
	header := []string{"arch"}
	for _, build := range builds {
		header = append(header, inline(build))
	}
	writeRow(b, header)
	writeRow(b, slices.Repeat([]string{":---"}, len(header)))
	for _, arch := range archs {
		row := []string{"**" + inline(arch) + "**"}
		for _, build := range builds {
			// A run repeated under the same arch and build keeps every result:
			// collapsing them could hide a failure.
			text := strings.Join(cells[[2]string{arch, build}], "<br>")
			if text == "" {
				text = cell(conformance.NoRunCell(build))
			}
			row = append(row, text)
		}
		writeRow(b, row)
	}
}

func cell(c conformance.Cell) string {
	switch c.Kind {
	case conformance.CellAbsent:
		return cmp.Or(c.Why, noRun)
	case conformance.CellUnsupported:
		return "unsupported"
	case conformance.CellSkipped:
		return "skipped"
	case conformance.CellDidNotRun:
		return failMark + " " + c.Why
	}
	mark := passMark
	if c.Kind == conformance.CellFail {
		mark = failMark
	}
	text := fmt.Sprintf("%s %d/%d · %.1fs", mark, c.Passed, c.Total, c.Duration.Seconds())
	if c.Known > 0 {
		text += fmt.Sprintf(" · %d known failure(s)", c.Known)
	}
	if c.Gaps > 0 {
		text += fmt.Sprintf(" · %d declared gap(s)", c.Gaps)
	}
	return text
}

// writeRunners lists how each arch ran, since a failure under QEMU can be the
// emulator's rather than the port's.
func writeRunners(b *strings.Builder, runs []conformance.Run) {
	var archs []string
	runners := map[string][]string{}
	for _, r := range runs {
		l := r.Label()
		if !slices.Contains(archs, l) {
			archs = append(archs, l)
		}
		for _, how := range []string{r.Backend, r.Compiler} {
			if how != "" && !slices.Contains(runners[l], how) {
				runners[l] = append(runners[l], how)
			}
		}
	}

	writeRow(b, []string{"arch", "runner"})
	writeRow(b, []string{":---", ":---"})
	for _, arch := range archs {
		runner := noRun
		if len(runners[arch]) > 0 {
			runner = inline(strings.Join(runners[arch], ", "))
		}
		writeRow(b, []string{"**" + inline(arch) + "**", runner})
	}
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

func writeFailures(b *strings.Builder, runs []conformance.Run) {
	header := false
	section := func() {
		if !header {
			b.WriteString("\n### Failures\n")
			header = true
		}
	}
	for _, r := range runs {
		if r.Unsupported != "" || r.Skipped != "" {
			continue
		}
		if r.DidNotRun() {
			section()
			detail := "the runner reported no cases"
			if r.Err != nil {
				detail = r.Err.Error()
			}
			fmt.Fprintf(b, "\n**%s %s** did not run:\n", inline(r.Label()), inline(r.Build))
			writeCode(b, detail)
			continue
		}
		for _, c := range r.Cases {
			if c.Status == conformance.Pass {
				continue
			}
			section()
			fmt.Fprintf(b, "\n**%s %s %s**: %s\n", inline(r.Label()), inline(r.Build), inline(c.Label()), inline(c.Reason))
			if tail := c.OutputTail(OutputTailLines); tail != "" {
				writeCode(b, tail)
			}
		}
	}
}

func writeNotes(b *strings.Builder, runs []conformance.Run) {
	header := false
	section := func() {
		if !header {
			b.WriteString("\n### Notes\n\n")
			header = true
		}
	}
	skipped, listed := map[string]bool{}, map[string]bool{}
	for _, r := range runs {
		if r.Skipped != "" && !skipped[r.Port] {
			skipped[r.Port] = true
			section()
			fmt.Fprintf(b, "- **%s**: skipped: %s\n", inline(r.Port), inline(r.Skipped))
		}
		if r.Switch != "" {
			section()
			fmt.Fprintf(b, "- **%s %s**: switch %s on %s, SHA-256 %s; inputs SHA-256 %s\n", inline(r.Port), inline(r.Build), inline(r.Switch), inline(r.Base),
				inline(r.SwitchSHA256), inline(r.InputsSHA256))
		}
		if len(r.Inputs) > 0 && !listed[r.Port] {
			listed[r.Port] = true
			section()
			fmt.Fprintf(b, "- **%s**: inputs SHA-256 %s of %s", inline(r.Port), inline(r.InputsSHA256), text.Count(len(r.Inputs), "file"))
			if len(r.CFlags) > 0 {
				fmt.Fprintf(b, " and cflags %s", inline(text.CommandLine(r.CFlags)))
			}
			b.WriteString(":\n")
			for _, in := range r.Inputs {
				fmt.Fprintf(b, "  - %s (%s): SHA-256 %s\n", inline(in.Path), inline(in.Role), inline(in.SHA256))
			}
		}
		for _, g := range r.Gaps {
			section()
			fmt.Fprintf(b, "- **%s %s**: gap: %s\n", inline(r.Port), inline(r.Build), inline(g))
		}
		for _, n := range r.Notes {
			section()
			fmt.Fprintf(b, "- **%s %s**: %s\n", inline(r.Label()), inline(r.Build), inline(n))
		}
		for _, c := range r.Cases {
			if c.Note != "" {
				section()
				fmt.Fprintf(b, "- **%s %s %s**: %s\n", inline(r.Label()), inline(r.Build), inline(c.Label()), inline(c.Note))
			}
		}
	}
}

// writeCode fences text with more backticks than it contains in a row, so
// that output holding a fence of its own cannot end the block early.
func writeCode(b *strings.Builder, text string) {
	text = printable(text)
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(b, "\n%s\n%s\n%s\n", fence, strings.TrimRight(text, "\n"), fence)
}

// printable replaces control characters (terminal escapes, stray bytes of a
// crashed case) and invalid UTF-8 with U+FFFD, which shows that something was
// there without letting it garble the page. Carriage returns are dropped so
// that CRLF output reads as lines.
func printable(s string) string {
	return text.Printable(strings.ReplaceAll(s, "\r", ""))
}

// inlineEscaper backslash-escapes what GitHub Flavored Markdown could read
// as emphasis, links, code, HTML, entities or a table column break.
var inlineEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `&`, `\&`,
)

// inline makes s render as itself on one line of running text or in a
// table cell.
func inline(s string) string {
	return inlineEscaper.Replace(strings.ReplaceAll(printable(s), "\n", " "))
}
