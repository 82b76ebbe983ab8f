// Package docker runs the harness's compilers and target binaries inside a
// toolchain image: one per distribution release, built from
// docker/<release>/Dockerfile with every port's cross compiler, clang,
// qemu-user and pkg-config, and tagged by the hash of what it is built from.
// A run's commands go to one long-lived container of the image (Container,
// an executor.Executor) through the Docker Engine API, with the repository
// and the output folder bind-mounted at the same paths.
package docker

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/pkg/jsonmessage"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/library"
	"github.com/stackslice/stackslice/toolchain"
)

// Labels on what the harness creates, so it finds it again.
const (
	// LabelToolchain is on toolchain images and their containers: the
	// release.
	LabelToolchain = "org.stackslice.toolchain"
	// LabelOwner is on containers: the harness process that owns it
	// (owner), removed by a later run once that process is gone.
	LabelOwner = "org.stackslice.owner"
	// Repository is the name toolchain images are tagged under.
	Repository = "stackslice-toolchain"
)

// Host names the host toolchain in SL_TOOLCHAIN: no image, today's tools.
const Host = "host"

// Image is a toolchain image's recipe: docker/<release>/Dockerfile.
type Image struct {
	Release    string // the folder's name: "trixie"
	Path       string
	Dockerfile []byte
}

// Base is the image the Dockerfile starts FROM, "" when it names none.
func (im Image) Base() string {
	for _, line := range strings.Split(string(im.Dockerfile), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], "FROM") {
			return f[1]
		}
	}
	return ""
}

// Tag is the image's tag for packages: the release and the hash of the
// Dockerfile and the packages, so an image is rebuilt exactly when either
// changes.
func (im Image) Tag(packages []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00", len(im.Dockerfile))
	h.Write(im.Dockerfile)
	h.Write([]byte(strings.Join(packages, " ")))
	return fmt.Sprintf("%s:%s-%s", Repository, im.Release, hex.EncodeToString(h.Sum(nil))[:12])
}

// Images are the toolchain images of the repository at root, by release.
func Images(root string) ([]Image, error) {
	paths, err := filepath.Glob(filepath.Join(root, "docker", "*", "Dockerfile"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var images []Image
	for _, p := range paths {
		data, err := inputfile.Read(p)
		if err != nil {
			return nil, err
		}
		images = append(images, Image{Release: filepath.Base(filepath.Dir(p)), Path: p, Dockerfile: data})
	}
	if len(images) == 0 {
		return nil, fmt.Errorf("no toolchain images under %s", filepath.Join(root, "docker"))
	}
	return images, nil
}

// Select finds the named images; an unknown name is an error listing the
// known ones.
func Select(all []Image, names []string) ([]Image, error) {
	var selected []Image
	for _, n := range names {
		i := slices.IndexFunc(all, func(im Image) bool { return im.Release == n })
		if i < 0 {
			known := []string{Host}
			for _, im := range all {
				known = append(known, im.Release)
			}
			return nil, fmt.Errorf("unknown toolchain %q (known: %s)", n, strings.Join(known, ", "))
		}
		selected = append(selected, all[i])
	}
	return selected, nil
}

// Packages are the Debian packages the image of release holds for ports
// whose native binaries run on goarch (those its release builds:
// arch.Port.BuildsIn): each port's compilers (gcc and clang) and
// qemu-user, as the host installs them, and pkg-config.
func Packages(ports []arch.Port, goarch, release string) []string {
	pkgs := []string{library.PkgConfig.Package}
	for _, p := range ports {
		if !p.BuildsIn(release) {
			continue
		}
		// gcc and clang, and QEMU: even the port of goarch falls back to
		// it where the machine cannot run its binaries.
		pkgs = append(pkgs, toolchain.Packages(p, goarch, toolchain.Clang, true)...)
	}
	sort.Strings(pkgs)
	return slices.Compact(pkgs)
}

// buildContext is a tar holding the Dockerfile alone: the image needs
// nothing else from the repository.
func buildContext(im Image) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(im.Dockerfile))}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(im.Dockerfile); err != nil {
		return nil, err
	}
	return &buf, tw.Close()
}

// buildOptions build im for packages, tagged and labelled, with the host's
// network (for apt-get, where the engine has no bridge).
func buildOptions(im Image, packages []string) build.ImageBuildOptions {
	list := strings.Join(packages, " ")
	return build.ImageBuildOptions{
		Tags:        []string{im.Tag(packages)},
		BuildArgs:   map[string]*string{"PACKAGES": &list},
		Labels:      map[string]string{LabelToolchain: im.Release},
		NetworkMode: "host",
		Remove:      true,
		ForceRemove: true,
	}
}

// BuildTail is how many lines of a failed build's output its error shows.
const BuildTail = 8

var stepLine = regexp.MustCompile(`^Step (\d+)/(\d+) : (.*)$`)

// progressEvery paces the build's progress lines between steps.
var progressEvery = 10 * time.Second

// readBuild follows a build's JSON message stream: it prints each step and,
// every progressEvery, the latest output line, and turns a failure into one
// line naming the step and the output's tail. A failure of the FROM step
// says that the base image cannot be pulled.
func readBuild(im Image, stream io.Reader, log io.Writer) error {
	var step string
	var tail []string
	last := time.Now()
	dec := json.NewDecoder(stream)
	for {
		var msg jsonmessage.JSONMessage
		err := dec.Decode(&msg)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("toolchain %s: reading the build's output: %v", im.Release, err)
		}
		if msg.Error != nil || msg.ErrorMessage != "" {
			why := msg.ErrorMessage
			if msg.Error != nil && msg.Error.Message != "" {
				why = msg.Error.Message
			}
			return buildError(im, step, tail, why)
		}
		sc := bufio.NewScanner(strings.NewReader(msg.Stream + msg.Status))
		for sc.Scan() {
			line := strings.TrimSpace(text.Printable(text.StripEscapes(sc.Text())))
			switch {
			case line == "":
			case stepLine.MatchString(line):
				step, tail = line, nil
				fmt.Fprintf(log, "toolchain %s: %s\n", im.Release, line)
				last = time.Now()
			default:
				tail = append(tail, line)
				if len(tail) > BuildTail {
					tail = tail[1:]
				}
				if time.Since(last) >= progressEvery {
					fmt.Fprintf(log, "toolchain %s:   %s\n", im.Release, line)
					last = time.Now()
				}
			}
		}
	}
	return nil
}

// failedRun is the engine's word for a RUN step that failed: the classic
// builder's, then BuildKit's. It repeats the step's command, which the
// error names already; only the exit code is news.
var failedRun = []*regexp.Regexp{
	regexp.MustCompile(`^The command '.*' returned a non-zero code: (\d+)$`),
	regexp.MustCompile(`^process ".*" did not complete successfully: exit code: (\d+)$`),
}

func buildError(im Image, step string, tail []string, why string) error {
	why = strings.TrimSpace(text.Printable(text.StripEscapes(text.FirstLine(why))))
	for _, re := range failedRun {
		if m := re.FindStringSubmatch(why); m != nil && step != "" {
			why = "exit status " + m[1]
		}
	}
	if m := stepLine.FindStringSubmatch(step); m != nil && strings.HasPrefix(strings.ToUpper(m[3]), "FROM ") {
		return fmt.Errorf("toolchain %s: the base image %s cannot be pulled: %s (%s)", im.Release, im.Base(), why, im.Path)
	}
	if step == "" {
		step = "before the first step"
	}
	out := ""
	if len(tail) > 0 {
		out = "; output ends: " + strings.Join(tail, " | ")
	}
	return fmt.Errorf("toolchain %s: building %s failed at %s: %s%s", im.Release, im.Path, step, why, out)
}
