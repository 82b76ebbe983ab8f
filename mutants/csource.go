package mutants

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Clobber is the step of a register a C switch saves through the clobber
// lists of its inline assembly: the compiler's prologue and epilogue save
// and restore it.
const Clobber Step = "clobber"

// cSite is where a site of a C switch source sits: the byte ranges of the
// source a mutant removes (every clobber-list entry of the register), or
// the instruction inside an asm template it replaces.
type cSite struct {
	entries  [][2]int // clobber: each "reg" entry, and the comma that goes with it
	lines    []int    // clobber: the lines of those entries
	insn     [2]int   // save or restore: the instruction's text in its string literal
	extended bool     // the template has operands, so a register is written %%reg
	refMem   bool     // the frame slot is an operand (%0, %[x]): it cannot be displaced
}

// The calls that divide a C switch into its save (before the first) and
// restore (after the second) parts: SLP_SAVE_STATE and SLP_RESTORE_STATE
// in an SLP-style header, sl_core_save and sl_core_restore in a source
// that defines sl_arch_switch.
var (
	saveCalls    = []string{"SLP_SAVE_STATE", "sl_core_save"}
	restoreCalls = []string{"SLP_RESTORE_STATE", "sl_core_restore"}
)

// saveHook is the macro an SLP-style header may define for what must happen
// first in SLP_SAVE_STATE (greenlet's SPARC header flushes the register
// windows there), which the SLP adapter calls as greenlet does: its asm
// statements are read as the first of the save part.
const saveHook = "SLP_BEFORE_SAVE_STATE"

// callMnemonics are the instructions that call through a register, on any
// arch. A stacklet-style header (slp_switch(save_state, restore_state,
// extra)) makes both calls inside its asm templates: its save part ends at
// the first such call (save_state's), its restore part starts after the
// last (restore_state's). A mnemonic the base port returns with (powerpc's
// blr) is no call there.
var callMnemonics = map[string]bool{
	"call": true, "calll": true, "callq": true, "blr": true, "blx": true, "bctrl": true, "basr": true,
	"jalr": true, "jsr": true, "bsr": true, "ble": true, "jl": true,
}

// notRegisters are clobber-list entries that name no register.
var notRegisters = map[string]bool{"memory": true, "cc": true}

// FindC reads a C switch source with inline assembly (a foreign port's
// SLP-style header, or a .c defining sl_arch_switch) and returns its sites:
//
//   - one per register named in a clobber list (Step Clobber). A mutant
//     drops the register from every list that names it, #define'd lists
//     included: dropped from one of two lists, it would still be clobbered,
//     and saved, by the other.
//   - one per manual save (an instruction of an asm template before the
//     save-state call) or restore (after the restore-state call) that the
//     check knows from switch.S (str, movq, stp, stmxcsr, ...; mrs/msr
//     through a scratch register). Any other instruction is left alone: a C
//     header cannot carry annotations, and only a known save or restore
//     can be mutated in a way that still builds.
//
// in is the base port's assembly language.
func FindC(src string, in *isa) ([]Site, error) {
	sc := scanC(src)
	save, restore := sc.boundaries()
	var hooks []cAsm
	switch {
	case save >= 0 && restore >= 0 && len(sc.idents[saveCalls[0]]) > 0:
		hooks = sc.macroAsms(saveHook) // SLP_SAVE_STATE calls it
	case save < 0 || restore < 0:
		save, restore = sc.callBoundaries(in)
	}
	if save < 0 || restore < 0 {
		return nil, fmt.Errorf("no %s and %s (or %s and %s) calls found, nor two calls through a register in its asm (a stacklet-style header's save_state and restore_state): the check cannot tell saves from restores",
			saveCalls[0], restoreCalls[0], saveCalls[1], restoreCalls[1])
	}
	var sites []Site
	var errs []error
	byReg := map[string]int{}
	for _, a := range sc.asms {
		for _, e := range sc.clobbers(a) {
			name := strings.ToLower(e.value)
			if notRegisters[name] || name == "" {
				continue
			}
			i, seen := byReg[name]
			if !seen {
				i = len(sites)
				byReg[name] = i
				sites = append(sites, Site{Step: Clobber, Text: strconv.Quote(e.value), Regs: []Reg{{Name: e.value, Class: in.classify(e.value)}},
					Line: lineOf(src, e.start), isa: in, c: &cSite{}})
			}
			c := sites[i].c
			if !slices.Contains(c.entries, [2]int{e.start, e.end}) {
				c.entries = append(c.entries, [2]int{e.start, e.end})
				if e.comma != [2]int{} {
					c.entries = append(c.entries, e.comma)
				}
				c.lines = append(c.lines, lineOf(src, e.start))
			}
		}
	}
	for _, part := range []struct {
		step Step
		asms []cAsm
	}{{Save, append(hooks, sc.before(save)...)}, {Restore, sc.after(restore)}} {
		var lines []line
		for _, a := range part.asms {
			for _, insn := range a.insns {
				mnemonic, ops := splitInstruction(insn.text)
				if dataDirectives[mnemonic] {
					errs = append(errs, fmt.Errorf("line %d: %s: a data directive among the %ss emits bytes the check cannot read (a save written as .byte is no site); write the instruction",
						lineOf(src, insn.span[0]), insn.text, part.step))
					continue
				}
				if strings.HasPrefix(mnemonic, ".") {
					continue // other directives emit no instruction the check could mutate
				}
				l := line{number: lineOf(src, insn.span[0]), text: insn.text, mnemonic: mnemonic, ops: ops, annotated: true}
				parse, refMem := a.resolve(ops)
				pl := l
				pl.ops, pl.operandSlot = parse, refMem
				if site, err := readSite(pl, part.step, in); err == nil && !isStackPointer(site) {
					site.ops = ops
					site.c = &cSite{insn: insn.span, extended: a.extended, refMem: refMem}
					l.site, l.annotated = &site, false
				}
				l.ops = parse
				lines = append(lines, l)
			}
		}
		followScratch(lines, in)
		if part.step == Save {
			dropOverwritten(lines, in)
		}
		for _, l := range lines {
			if l.site != nil {
				sites = append(sites, *l.site)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(sites) == 0 {
		return nil, errors.New("no clobber-list register and no save or restore the check knows")
	}
	return sites, nil
}

// dropOverwritten undoes the saves of registers that an earlier
// instruction of the save part wrote: what is stored then is no longer the
// caller's value (a header that uses the frame pointer to keep the stack
// pointer, then stores it, has saved nothing), so the register is not
// claimed by that store.
func dropOverwritten(lines []line, in *isa) {
	written := map[string]bool{}
	for i := range lines {
		l := &lines[i]
		if l.site != nil {
			for _, r := range l.site.Regs {
				if written[in.canonical(r.Name)] {
					l.site = nil
					break
				}
			}
			continue
		}
		if len(l.ops) == 0 {
			continue
		}
		dest := l.ops[0]
		if in.destinationLast() {
			dest = l.ops[len(l.ops)-1]
		}
		if in.isRegister(dest) {
			written[in.canonical(in.regName(dest))] = true
		}
	}
}

// isStackPointer tells a copy of the stack pointer (mov %0, sp: stackref)
// from a save.
func isStackPointer(s Site) bool {
	for _, r := range s.Regs {
		switch strings.ToLower(r.Name) {
		case "sp", "rsp", "esp":
			return true
		}
	}
	return false
}

func lineOf(src string, offset int) int { return strings.Count(src[:offset], "\n") + 1 }

// applyC returns src with m: the register gone from every clobber list, or
// the instruction replaced (a dropped single save becomes nothing, a pair
// keeps the other register in its slot). A note naming the mutant ends the
// file, so every line keeps its number.
func applyC(src string, m Mutant) (string, error) {
	c := m.Site.c
	type edit struct {
		span [2]int
		with string
	}
	var edits []edit
	if m.Site.Step == Clobber {
		for _, e := range c.entries {
			edits = append(edits, edit{span: e})
		}
	} else {
		if c.refMem && (m.Site.move.form == pair || m.Site.move.form == span || m.Site.move.form == list) {
			return "", errors.New("the frame slot is an asm operand, so a pair cannot keep one register at its slot")
		}
		with, err := m.replacement()
		if err != nil {
			return "", err
		}
		if c.extended {
			with = strings.ReplaceAll(with, "$8, %rsp", "$8, %%rsp")
			with = strings.ReplaceAll(with, "$4, %esp", "$4, %%esp")
		}
		edits = append(edits, edit{span: c.insn, with: strings.ReplaceAll(with, "\t", " ")})
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.span[0] - a.span[0] })
	for _, e := range edits {
		src = src[:e.span[0]] + e.with + src[e.span[1]:]
	}
	return src + "\n/* mutant: " + strings.ReplaceAll(m.String(), "*/", "* /") + " */\n", nil
}

// cScan is what the check reads of a C source: its asm statements, its
// #defines (clobber lists are often one) and where its code names an
// identifier.
type cScan struct {
	src     string
	asms    []cAsm
	defines map[string][][2]int // name → bodies (a name may be defined in several #if branches)
	idents  map[string][]int    // identifier → offsets, in code only
}

// cAsm is one asm statement.
type cAsm struct {
	start, end int
	sections   [][]cToken // template, outputs, inputs, clobbers, labels
	insns      []cInsn
	operands   []string // constraints, in operand order (outputs, then inputs)
	names      map[string]int
	extended   bool
}

type cToken struct {
	kind  byte // '"' a string literal, 'a' an identifier, else the character
	start int
	end   int
	value string // a string literal's content, or the identifier
	comma [2]int // a clobber entry: its comma, the one after it (with the blanks after that) or else before
}

type cInsn struct {
	text string
	span [2]int
}

// scanC tokenizes src: comments, string and character literals and
// preprocessor lines are understood, everything else is identifiers and
// single characters.
func scanC(src string) *cScan {
	s := &cScan{src: src, defines: map[string][][2]int{}, idents: map[string][]int{}}
	toks := tokens(src, 0, len(src), func(start, end int) {
		// a preprocessor line: remember #define bodies
		m := defineRE.FindStringSubmatchIndex(src[start:end])
		if m != nil {
			name := src[start+m[2] : start+m[3]]
			s.defines[name] = append(s.defines[name], [2]int{start + m[1], end})
		}
	})
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != 'a' {
			continue
		}
		s.idents[t.value] = append(s.idents[t.value], t.start)
		if a, end, ok := asmAt(toks, i); ok {
			s.asms = append(s.asms, a)
			i = end
		}
	}
	return s
}

// asmAt reads the asm statement that starts at toks[i], if one does, and
// the index of its last token.
func asmAt(toks []cToken, i int) (a cAsm, end int, ok bool) {
	t := toks[i]
	if t.kind != 'a' || t.value != "asm" && t.value != "__asm__" && t.value != "__asm" {
		return a, i, false
	}
	j := i + 1
	for j < len(toks) && toks[j].kind == 'a' && asmQualifiers[toks[j].value] {
		j++
	}
	if j >= len(toks) || toks[j].kind != '(' {
		return a, i, false
	}
	a = cAsm{start: t.start, names: map[string]int{}}
	a.sections = [][]cToken{nil}
	depth := 0
	for j++; j < len(toks); j++ {
		u := toks[j]
		switch {
		case u.kind == '(' || u.kind == '[':
			depth++
		case (u.kind == ')' || u.kind == ']') && depth > 0:
			depth--
		case u.kind == ')':
			a.end = u.end
		case u.kind == ':' && depth == 0:
			a.sections = append(a.sections, nil)
			continue
		}
		if a.end != 0 {
			break
		}
		a.sections[len(a.sections)-1] = append(a.sections[len(a.sections)-1], u)
	}
	if a.end == 0 {
		return a, i, false
	}
	a.extended = len(a.sections) > 1
	a.readOperands()
	a.readTemplate()
	return a, j, true
}

var (
	defineRE       = regexp.MustCompile(`^\s*#\s*define\s+([A-Za-z_]\w*)(?:\s|\(|$)`)
	asmQualifiers  = map[string]bool{"volatile": true, "__volatile__": true, "__volatile": true, "goto": true, "inline": true, "__inline__": true}
	operandRef     = regexp.MustCompile(`^%[a-zA-Z]?(?:\[([A-Za-z_]\w*)\]|(\d+))$`)
	memoryLetters  = "mQoV<>"
	templateBreaks = regexp.MustCompile(`\\n|\\t|;`)
)

// tokens splits src[from:to]; pre is told of each preprocessor line (with
// its continuations), whose tokens are left out.
func tokens(src string, from, to int, pre func(start, end int)) []cToken {
	var toks []cToken
	lineStart := true
	for i := from; i < to; {
		c := src[i]
		switch {
		case c == '\n':
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < to && src[i+1] == '\n':
			i += 2
			continue
		case strings.HasPrefix(src[i:], "//"):
			for i < to && src[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = to
			} else {
				i += end + 4
			}
			continue
		case c == '#' && lineStart && pre != nil:
			end := i
			for end < to && !(src[end] == '\n' && src[end-1] != '\\') {
				end++
			}
			pre(i, end)
			i = end
			continue
		}
		lineStart = false
		switch {
		case c == '"' || c == '\'':
			end := i + 1
			for end < to && src[end] != c && src[end] != '\n' {
				if src[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, to)
			kind := byte('"')
			if c == '\'' {
				kind = '\''
			}
			toks = append(toks, cToken{kind: kind, start: i, end: end, value: src[i+1 : max(i+1, end-1)]})
			i = end
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			end := i
			for end < to && (src[end] == '_' || src[end] >= 'a' && src[end] <= 'z' || src[end] >= 'A' && src[end] <= 'Z' || src[end] >= '0' && src[end] <= '9') {
				end++
			}
			toks = append(toks, cToken{kind: 'a', start: i, end: end, value: src[i:end]})
			i = end
		default:
			toks = append(toks, cToken{kind: c, start: i, end: i + 1})
			i++
		}
	}
	return toks
}

// readOperands lists the constraints of the outputs and inputs, in order,
// and the operands' symbolic names.
func (a *cAsm) readOperands() {
	for _, sec := range a.sections[1:min(3, len(a.sections))] {
		var name string
		for k := 0; k < len(sec); k++ {
			t := sec[k]
			switch {
			case t.kind == '[' && k+1 < len(sec) && sec[k+1].kind == 'a':
				name = sec[k+1].value
			case t.kind == '"':
				if name != "" {
					a.names[name] = len(a.operands)
				}
				a.operands = append(a.operands, t.value)
				name = ""
			}
		}
	}
}

// readTemplate splits the template's string literals into instructions, at
// \n, \t and ; (labels stay out).
func (a *cAsm) readTemplate() {
	for _, t := range a.sections[0] {
		if t.kind != '"' {
			continue
		}
		from, body := t.start+1, t.value
		pieces := templateBreaks.Split(body, -1)
		idx := templateBreaks.FindAllStringIndex(body, -1)
		at := 0
		for k, p := range pieces {
			trimmed := strings.TrimSpace(p)
			if trimmed != "" && !strings.HasSuffix(trimmed, ":") {
				lead := strings.Index(p, trimmed)
				start := from + at + lead
				a.insns = append(a.insns, cInsn{text: trimmed, span: [2]int{start, start + len(trimmed)}})
			}
			if k < len(idx) {
				at = idx[k][1]
			}
		}
	}
}

// resolve turns operand references into what the instruction tables read:
// a memory operand (by its constraint) becomes a frame slot "[%0]", any
// other operand a value that is no register. refMem tells whether a frame
// slot was an operand.
func (a cAsm) resolve(ops []string) (out []string, refMem bool) {
	for _, op := range ops {
		if m := operandRef.FindStringSubmatch(op); m != nil && a.extended {
			i := -1
			if m[1] != "" {
				if n, ok := a.names[m[1]]; ok {
					i = n
				}
			} else {
				i, _ = strconv.Atoi(m[2])
			}
			if i >= 0 && i < len(a.operands) && strings.ContainsAny(strings.TrimLeft(a.operands[i], "=+&"), memoryLetters) {
				out = append(out, "["+op+"]")
				refMem = true
				continue
			}
			out = append(out, "operand "+op)
			continue
		}
		out = append(out, op)
	}
	return out, refMem
}

// boundaries are the offsets of the save-state call and of the first
// restore-state call after it, or -1.
func (s *cScan) boundaries() (save, restore int) {
	save, restore = -1, -1
	for _, name := range saveCalls {
		if at := s.idents[name]; len(at) > 0 && (save < 0 || at[0] < save) {
			save = at[0]
		}
	}
	if save < 0 {
		return -1, -1
	}
	for _, name := range restoreCalls {
		for _, at := range s.idents[name] {
			if at > save && (restore < 0 || at < restore) {
				restore = at
			}
		}
	}
	return save, restore
}

// callBoundaries are the offsets of the first and of the end of the last
// call through a register in the asm templates (callMnemonics), or -1
// unless there are two.
func (s *cScan) callBoundaries(in *isa) (save, restore int) {
	isCall := func(text string) bool {
		mnemonic, _ := splitInstruction(text)
		return callMnemonics[mnemonic] && !slices.Contains(in.returns, mnemonic)
	}
	var calls [][2]int
	for _, a := range s.asms {
		for _, insn := range a.insns {
			if isCall(insn.text) {
				calls = append(calls, insn.span)
			}
		}
		// A macro of the template that is a call (PyPy's arm header's
		// call_reg(r3), "blx " #x): its first string, in any definition.
		for _, t := range a.sections[0] {
			if t.kind != 'a' {
				continue
			}
			for _, body := range s.defines[t.value] {
				if first := firstString(tokens(s.src, body[0], body[1], nil)); first != "" && isCall(first) {
					calls = append(calls, [2]int{t.start, t.end})
					break
				}
			}
		}
	}
	slices.SortFunc(calls, func(a, b [2]int) int { return a[0] - b[0] })
	if len(calls) < 2 {
		return -1, -1
	}
	return calls[0][0], calls[len(calls)-1][1]
}

// before are the asm statements, each with its instructions, that end
// before offset; an asm that offset divides keeps those before it.
func (s *cScan) before(offset int) []cAsm {
	return s.part(func(span [2]int) bool { return span[1] <= offset })
}

// after are those that start after offset.
func (s *cScan) after(offset int) []cAsm {
	return s.part(func(span [2]int) bool { return span[0] > offset })
}

func (s *cScan) part(in func(span [2]int) bool) []cAsm {
	var out []cAsm
	for _, a := range s.asms {
		if in([2]int{a.start, a.end}) {
			out = append(out, a)
			continue
		}
		part := a
		part.insns = slices.DeleteFunc(slices.Clone(a.insns), func(insn cInsn) bool { return !in(insn.span) })
		if len(part.insns) > 0 {
			out = append(out, part)
		}
	}
	return out
}

// clobbers are the string literals of a's clobber list, those of the
// macros it names included (recursively), each with the comma that goes
// with it: the one after it (and the blanks after that), or else before.
func (s *cScan) clobbers(a cAsm) []cToken {
	if len(a.sections) < 4 {
		return nil
	}
	var out []cToken
	seen := map[string]bool{}
	var walk func(toks []cToken)
	walk = func(toks []cToken) {
		for k, t := range toks {
			switch t.kind {
			case '"':
				switch {
				case k+1 < len(toks) && toks[k+1].kind == ',':
					end := toks[k+1].end
					for end < len(s.src) && (s.src[end] == ' ' || s.src[end] == '\t') {
						end++
					}
					t.comma = [2]int{toks[k+1].start, end}
				case k > 0 && toks[k-1].kind == ',':
					t.comma = [2]int{toks[k-1].start, toks[k-1].end}
				}
				out = append(out, t)
			case 'a':
				if seen[t.value] {
					continue
				}
				seen[t.value] = true
				for _, body := range s.defines[t.value] {
					walk(tokens(s.src, body[0], body[1], nil))
				}
			}
		}
	}
	walk(a.sections[3])
	return out
}

// macroAsms are the asm statements of the #define bodies of the macro
// name, and of the macros these name, recursively (greenlet's
// SLP_BEFORE_SAVE_STATE() is SLP_FLUSHW, which is an asm statement).
func (s *cScan) macroAsms(name string) []cAsm {
	var out []cAsm
	seen := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		for _, body := range s.defines[name] {
			toks := tokens(s.src, body[0], body[1], nil)
			for i := 0; i < len(toks); i++ {
				if a, end, ok := asmAt(toks, i); ok {
					out = append(out, a)
					i = end
					continue
				}
				if toks[i].kind == 'a' {
					walk(toks[i].value)
				}
			}
		}
	}
	walk(name)
	return out
}

// firstString is the content of the first string literal of toks, or "".
func firstString(toks []cToken) string {
	for _, t := range toks {
		if t.kind == '"' {
			return strings.TrimSpace(t.value)
		}
	}
	return ""
}
