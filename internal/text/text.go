// Package text holds the few string helpers every part of the harness uses
// on what tools and target binaries print.
package text

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// terminalEscape is an ANSI escape sequence: CSI (colours, cursor moves),
// OSC (titles, links; ended by BEL or ST), or a two-character escape.
var terminalEscape = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])`)

// StripEscapes removes the terminal escape sequences a tool printed for a
// terminal (apt's and the engine's colours), so that a line read from it
// carries no "[91m" debris.
func StripEscapes(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	return terminalEscape.ReplaceAllString(s, "")
}

// FirstLine is s up to its first newline.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Tail keeps the last n lines of s, without a trailing newline.
func Tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Ends keeps the first and the last n lines of s, and a line saying how
// many were left out between them: a compiler's first errors are the
// cause (a template's .error), its last often the summary.
func Ends(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) <= 2*n+1 {
		return s
	}
	left := fmt.Sprintf("[... %d lines left out ...]", len(lines)-2*n)
	return strings.Join(append(append(slices.Clip(lines[:n]), left), lines[len(lines)-n:]...), "\n")
}

// Printable replaces with U+FFFD what must not reach a terminal or an XML
// document from a target's output: control characters but tab and newline
// (an escape sequence could clear the screen), C1 controls, invalid UTF-8,
// and the code points XML 1.0 forbids.
func Printable(s string) string {
	clean := utf8.ValidString(s)
	for _, r := range s {
		if !allowed(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if allowed(r) {
			return r
		}
		return utf8.RuneError
	}, s)
}

func allowed(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return true
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return r <= utf8.MaxRune
}

// Count says "1 file", "2 files".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shellSafe are the characters a word may hold unquoted in a shell.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// CommandLine joins args as a shell reads them back: a word with anything
// but letters, digits and a few marks single-quoted ("-DNOTE='a|b'" is
// '-DNOTE="a|b"').
func CommandLine(args []string) string {
	words := make([]string, len(args))
	for i, a := range args {
		if shellSafe.MatchString(a) {
			words[i] = a
		} else {
			words[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(words, " ")
}
