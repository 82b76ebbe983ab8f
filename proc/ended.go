package proc

// Ended is how a contained command ended.
type Ended struct {
	ExitCode int    // -1 when a signal ended it
	Signal   string // "SIGSEGV" when a signal ended it
	// OutputLeftOpen tells that a process the command left behind kept its
	// output open after it exited.
	OutputLeftOpen bool
	// LeftBehind are the processes of the run that outlived the command,
	// killed after it: "pid (name)".
	LeftBehind []string
	// Contained names the mechanism that held the run: modeNamespace or
	// modeReaper.
	Contained string
}
