package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// docFiles are the documents the docs checks read: README.md and
// docs/*.md, as paths relative to root (slash-separated), those that exist.
func docFiles(root string) ([]string, error) {
	var files []string
	if _, err := os.Stat(filepath.Join(root, "README.md")); err == nil {
		files = append(files, "README.md")
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	slices.Sort(docs)
	for _, d := range docs {
		files = append(files, "docs/"+filepath.Base(d))
	}
	return files, nil
}

// mdLine is a line of a markdown document outside its fenced code blocks,
// with its inline code spans blanked (their text is no link), and its
// number from 1.
type mdLine struct {
	n          int
	text, code string // code keeps the inline code spans
}

var fence = regexp.MustCompile("^ {0,3}(```|~~~)")

// proseLines are doc's lines outside fenced code blocks.
func proseLines(doc string) []mdLine {
	var lines []mdLine
	var open string
	for i, l := range strings.Split(doc, "\n") {
		if m := fence.FindStringSubmatch(l); m != nil {
			switch {
			case open == "":
				open = m[1]
			case m[1] == open:
				open = ""
			}
			continue
		}
		if open != "" {
			continue
		}
		lines = append(lines, mdLine{n: i + 1, text: inlineCode.ReplaceAllStringFunc(l, blank), code: l})
	}
	return lines
}

var inlineCode = regexp.MustCompile("`[^`]*`")

func blank(s string) string { return strings.Repeat(" ", len(s)) }

var (
	atxHeading = regexp.MustCompile(`^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	htmlAnchor = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\(([^)]*)\)`)
	refLink    = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s+(\S+)`)
	uriScheme  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	emphasis   = strings.NewReplacer("`", "", "*", "")
)

// Anchors are the fragment names GitHub gives the headings of doc (and
// its <a id> or <a name> tags), as a set.
func Anchors(doc string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, l := range proseLines(doc) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(l.code, -1) {
			anchors[m[1]] = true
		}
		m := atxHeading.FindStringSubmatch(l.code)
		if m == nil {
			continue
		}
		slug := Slug(m[1])
		if n, dup := seen[slug]; dup {
			seen[slug] = n + 1
			slug += "-" + strconv.Itoa(n+1)
		} else {
			seen[slug] = 0
		}
		anchors[slug] = true
	}
	return anchors
}

// Slug is the anchor GitHub gives a heading (github-slugger): its text as
// rendered (links become their text, code and emphasis lose their marks),
// lowercased, with every character but letters, digits, '-', '_' and space
// dropped, and each space a '-'. A repeated slug gets -1, -2, ... (Anchors).
func Slug(heading string) string {
	text := mdLink.ReplaceAllString(heading, "$1")
	text = emphasis.Replace(text)
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-', r == '_', unicode.IsLetter(r), unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Links checks that every relative link of README.md and docs/*.md leads
// to a file or folder of the tree, and every #anchor to a heading of the
// document it names (GitHub's slugs). Links with a scheme (https:,
// mailto:) are not followed.
func Links(root string) error {
	files, err := docFiles(root)
	if err != nil {
		return err
	}
	docs := map[string]string{}
	read := func(rel string) (string, error) {
		if d, ok := docs[rel]; ok {
			return d, nil
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		docs[rel] = string(data)
		return docs[rel], nil
	}
	var errs []error
	for _, file := range files {
		doc, err := read(file)
		if err != nil {
			return err
		}
		for _, l := range proseLines(doc) {
			var targets []string
			for _, m := range mdLink.FindAllStringSubmatch(l.text, -1) {
				targets = append(targets, m[2])
			}
			if m := refLink.FindStringSubmatch(l.text); m != nil {
				targets = append(targets, m[1])
			}
			for _, target := range targets {
				if err := checkLink(root, file, target, read); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: link %s: %w", file, l.n, target, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// checkLink checks one link target of the document file.
func checkLink(root, file, target string, read func(string) (string, error)) error {
	target = strings.TrimSpace(target)
	if i := strings.IndexAny(target, " \t"); i >= 0 {
		target = target[:i] // a title follows
	}
	target = strings.Trim(target, "<>")
	if target == "" {
		return errors.New("empty")
	}
	if uriScheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return nil
	}
	path, fragment, _ := strings.Cut(target, "#")
	rel := file
	if path != "" {
		if strings.HasPrefix(path, "/") {
			return errors.New("an absolute path; write it relative to the document")
		}
		rel = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(file), filepath.FromSlash(path))))
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return errors.New("leads out of the repository")
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			return fmt.Errorf("no such file or folder %s", rel)
		}
	}
	if fragment == "" {
		return nil
	}
	if !strings.HasSuffix(rel, ".md") {
		return fmt.Errorf("an anchor into %s, which is no markdown document", rel)
	}
	doc, err := read(rel)
	if err != nil {
		return err
	}
	if !Anchors(doc)[fragment] {
		return fmt.Errorf("no heading of %s has the anchor #%s", rel, fragment)
	}
	return nil
}
