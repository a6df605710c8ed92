package cli

import (
	"errors"
	"io"
	"os"
	"syscall"
)

var (
	// errTerminalGone ends a browser whose terminal was closed under it.
	errTerminalGone = errors.New("the terminal was closed")
	// errTerminalStuck ends a browser whose terminal stopped reading: a
	// message to it would block the exit for ever, so none is written.
	errTerminalStuck = errors.New("the terminal stopped reading")
)

// terminal is the browser's end of its terminal, its input or its output,
// calling gone when the terminal is no longer there: a read that ends (a
// hung-up terminal reads as end of file) or fails with EIO, or a write that
// fails with EIO. Bubble Tea takes an input that ends for one with no more
// keys and carries on drawing; a closed SSH connection or terminal window
// that sends no hangup signal would leave the browser running for ever.
type terminal struct {
	*os.File
	gone func()
}

func (t terminal) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.EIO) {
		t.gone()
	}
	return n, err
}

func (t terminal) Write(p []byte) (int, error) {
	n, err := t.File.Write(p)
	if errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EPIPE) {
		t.gone()
	}
	return n, err
}
