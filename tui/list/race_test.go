//go:build race

package list

// raceEnabled: the race detector is on, which allocates as it tracks memory
// and keeps sync.Pool from reusing what it holds.
const raceEnabled = true
