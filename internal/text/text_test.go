package text

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\ttext\nline", "plain\ttext\nline"},
		{"\x1b[2Jcleared", "\uFFFD[2Jcleared"},
		{"bell\a and cr\r", "bell\uFFFD and cr\uFFFD"},
		{"c1 \u009b31m csi", "c1 \uFFFD31m csi"},
		{"bad utf8 \xff\xfe", "bad utf8 \uFFFD\uFFFD"},
		{"del \x7f", "del \uFFFD"},
		{"non-characters \uFFFE", "non-characters \uFFFD"},
		{"ünïcödé ✅", "ünïcödé ✅"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Printable(tt.in), "%q", tt.in)
	}
}

func TestTailAndFirstLine(t *testing.T) {
	assert.Equal(t, "b\nc", Tail("a\nb\nc\n", 2))
	assert.Equal(t, "", Tail("\n\n", 2))
	assert.Equal(t, "a", FirstLine("a\nb"))
	assert.Equal(t, "a", FirstLine("a"))
}

func TestEndsKeepsTheFirstAndLastLines(t *testing.T) {
	assert.Equal(t, "a\nb\nc", Ends("a\nb\nc\n", 1), "nothing left out that the marker would replace")
	assert.Equal(t, "1\n2\n[... 3 lines left out ...]\n6\n7", Ends("1\n2\n3\n4\n5\n6\n7\n", 2))
	assert.Equal(t, "", Ends("", 2))
}

func TestStripEscapesRemovesColoursAndTitles(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[91mE: Unable to locate package x\x1b[0m": "E: Unable to locate package x",
		"\x1b[1;31mred\x1b[m and \x1b[2K\x1b[1Gplain":  "red and plain",
		"\x1b]0;title\x07text":                         "text",
		"no escapes [91m here":                         "no escapes [91m here",
	} {
		assert.Equal(t, want, StripEscapes(in), "%q", in)
	}
}

func TestCommandLine(t *testing.T) {
	assert.Equal(t, "", CommandLine(nil))
	assert.Equal(t, `-I inc -DX=1 '-DNOTE="a|b"' 'it'\''s' 'a b' ''`,
		CommandLine([]string{"-I", "inc", "-DX=1", `-DNOTE="a|b"`, "it's", "a b", ""}))
}
