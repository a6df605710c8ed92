//go:build unix

package serve

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkOwner refuses a file owned by anyone but this user or root, as
// OpenSSH's StrictModes does: its owner could rewrite it whatever its mode,
// and a file another user put in its place (in a directory they can write)
// is theirs.
func checkOwner(path string, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); st.Uid != 0 && int(st.Uid) != uid {
		return fmt.Errorf("%s is owned by user %d, not by this user (%d) or root: run chown %d %s",
			path, st.Uid, uid, uid, path)
	}
	return nil
}

// changeStamp is what sameFile compares beyond size, mode and modification
// time: the owner, and the inode's change time, which chown, chmod and any
// write move even when the modification time is set back.
func changeStamp(info fs.FileInfo) [3]int64 {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return [3]int64{}
	}
	sec, nsec := changeTime(st)
	return [3]int64{int64(st.Uid), sec, nsec}
}
