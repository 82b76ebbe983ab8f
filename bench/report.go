package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Size names a slice size the way the tables do: 0, 64, 1 KiB, 64 KiB.
func Size(bytes int) string {
	switch {
	case bytes >= 1024 && bytes%1024 == 0:
		return fmt.Sprintf("%d KiB", bytes/1024)
	default:
		return fmt.Sprint(bytes)
	}
}

func ratio(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", v)
}

// WriteText writes each arch's figures and counts as tables.
func WriteText(w io.Writer, r Result) {
	fmt.Fprintf(w, "machine: %s\n", r.Machine)
	for _, a := range r.Arches {
		label := a.Runner
		if a.Emulated {
			label += ", EMULATED: times are no speed"
		}
		fmt.Fprintf(w, "\n%s (%s): ns per switch, minimum of %d interleaved runs; spread = median over minimum\n", a.Arch, label, r.Rounds)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "contender\tbytes\tns\tspread\t× fcontext\t× memcpy\t× libaco\t")
		for _, f := range a.Figures {
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.0f%%\t%s\t%s\t%s\t\n", f.Contender, Size(f.Bytes), f.MinNS, f.SpreadPct, ratio(f.XFcontext), ratio(f.XMemcpy), ratio(f.XLibaco))
		}
		tw.Flush()
		fmt.Fprintf(w, "%s: per switch (memcpy: per copy), by %s\n", a.Arch, a.Counter)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "contender\tbytes\tinstructions\tbesides memcpy\theap allocations\tbytes saved\t")
		for _, c := range a.Counts {
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.3g\t%s\t\n", c.Contender, Size(c.Bytes), c.Instructions, c.OwnInstructions, c.AllocsPerSwitch, savedCell(c))
		}
		tw.Flush()
		if a.MemcpyVariant != "" {
			fmt.Fprintf(w, "%s: glibc's memcpy measured: %s\n", a.Arch, a.MemcpyVariant)
		}
		for _, n := range a.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	for _, reg := range r.Regressions {
		fmt.Fprintf(w, "REGRESSION: %s\n", reg)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// tinyAt is where size 0 sits on the plot's logarithmic axis.
const tinyAt = 16

// plotX places a size on the logarithmic x axis.
func plotX(bytes int) float64 {
	if bytes == 0 {
		return tinyAt
	}
	return float64(bytes)
}

// sizeTicks label the x axis with the measured sizes.
type sizeTicks []int

func (s sizeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, b := range s {
		ticks = append(ticks, plot.Tick{Value: plotX(b), Label: Size(b)})
	}
	return ticks
}

// WriteSVG plots ns per switch against slice size for every contender of
// one arch: the copying ones as lines, the others (their cost does not
// depend on the slice) as flat dashed lines across the plot.
func WriteSVG(w io.Writer, r Result, a Arch) error {
	p := plot.New()
	title := fmt.Sprintf("switch cost, %s (%s; memcpy: %s)", a.Arch, r.Machine, orUnknown(a.MemcpyVariant))
	if a.Emulated {
		title = fmt.Sprintf("%s under %s: EMULATED, no speed", a.Arch, a.Runner)
	}
	p.Title.Text = title
	p.X.Label.Text = "bytes on the slice (memcpy: bytes copied)"
	p.Y.Label.Text = fmt.Sprintf("ns per switch (minimum of %d runs)", r.Rounds)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var sizes []int
	series := map[string]plotter.XYs{}
	var order []string
	for _, f := range a.Figures {
		if _, ok := series[f.Contender]; !ok {
			order = append(order, f.Contender)
		}
		series[f.Contender] = append(series[f.Contender], plotter.XY{X: plotX(f.Bytes), Y: f.MinNS})
		if !slices.Contains(sizes, f.Bytes) {
			sizes = append(sizes, f.Bytes)
		}
	}
	if len(sizes) == 0 {
		return fmt.Errorf("nothing to plot for %s", a.Arch)
	}
	p.X.Tick.Marker = sizeTicks(sizes)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range sizes {
		lo, hi = math.Min(lo, plotX(b)), math.Max(hi, plotX(b))
	}
	for i, c := range order {
		xys := series[c]
		label := c
		if len(xys) == 1 {
			// Size-independent: drawn flat across every size.
			label = c + " (no copy)"
			xys = plotter.XYs{{X: lo, Y: xys[0].Y}, {X: hi, Y: xys[0].Y}}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		line.Color = plotutil.Color(i)
		points.Color = plotutil.Color(i)
		points.Shape = plotutil.Shape(i)
		if len(series[c]) == 1 {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(line)
			p.Legend.Add(label, line)
			continue
		}
		p.Add(line, points)
		p.Legend.Add(label, line, points)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "svg")
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// Markdown is the README's table for one arch: ns and ratios per contender
// and size, sizes as columns, and the counts under it.
func Markdown(r Result, a Arch) string {
	var sizes []int
	var contenders []string
	for _, f := range a.Figures {
		if !slices.Contains(sizes, f.Bytes) {
			sizes = append(sizes, f.Bytes)
		}
		if !slices.Contains(contenders, f.Contender) {
			contenders = append(contenders, f.Contender)
		}
	}
	var b strings.Builder
	b.WriteString("| ns per switch (× fcontext, × memcpy) |")
	for _, s := range sizes {
		fmt.Fprintf(&b, " %s |", Size(s))
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(sizes)))
	b.WriteString("\n")
	for _, c := range contenders {
		fmt.Fprintf(&b, "| %s |", c)
		for _, s := range sizes {
			f, ok := a.Figure(c, s)
			if !ok {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %.1f (%s, %s) |", f.MinNS, ratio(f.XFcontext), ratio(f.XMemcpy))
		}
		b.WriteString("\n")
	}
	if slices.Contains(contenders, Libaco) {
		// stackslice against its closest peer, size by size.
		fmt.Fprintf(&b, "| %s × %s |", Stackslice, Libaco)
		for _, s := range sizes {
			f, ok := a.Figure(Stackslice, s)
			if !ok || f.XLibaco == 0 {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %s |", ratio(f.XLibaco))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%s, %s, on %s; glibc's memcpy: %s; minimum of %d interleaved runs.\n\n",
		a.Arch, a.Runner, r.Machine, orUnknown(a.MemcpyVariant), r.Rounds)
	b.WriteString("| per switch (memcpy: per copy) | bytes | instructions | besides memcpy | heap allocations | bytes saved |\n|---|---|---|---|---|---|\n")
	for _, c := range a.Counts {
		fmt.Fprintf(&b, "| %s | %s | %.1f | %.1f | %.3g | %s |\n", c.Contender, Size(c.Bytes), c.Instructions, c.OwnInstructions, c.AllocsPerSwitch, savedCell(c))
	}
	return b.String()
}

// savedCell is a count's bytes saved per switch, for stackslice only.
func savedCell(c Count) string {
	if !strings.HasPrefix(c.Contender, Stackslice) {
		return "-"
	}
	return strconv.FormatInt(c.SavedBytes, 10)
}
