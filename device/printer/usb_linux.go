package printer

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// pollSlice bounds one poll(2): a cancelled ctx is seen within it, and a
// driver that becomes ready without waking pollers (the pty layer frees
// buffer space after its wake-up) is noticed anyway.
const pollSlice = 100 * time.Millisecond

// fdFile is a usblp device (or anything else at the path) opened
// non-blocking, driven with poll(2) rather than Go's edge-triggered
// poller.
type fdFile struct {
	fd       int
	path     string
	readable bool
	regular  bool
}

// openUSB opens path read-write, or write-only when the user may only
// write (a udev rule giving the group w but not r). O_NOCTTY keeps a
// tty-like device from becoming the controlling terminal.
func openUSB(path string) (usbFile, error) {
	const flags = unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC
	readable := true
	fd, err := unix.Open(path, unix.O_RDWR|flags, 0)
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		readable = false
		fd, err = unix.Open(path, unix.O_WRONLY|flags, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return &fdFile{fd: fd, path: path, readable: readable, regular: st.Mode&unix.S_IFMT == unix.S_IFREG}, nil
}

func (f *fdFile) answers() bool { return f.readable && !f.regular }

// write writes b, then waits for POLLOUT once more: usblp, on a
// non-blocking descriptor, returns from write(2) with the last USB
// transfer still in flight ("presume that it's going to complete well")
// and kills it when the file is closed, which would cut off the end of
// the job; POLLOUT means the transfer completed.
func (f *fdFile) write(ctx context.Context, deadline time.Time, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(f.fd, b)
		switch {
		case n > 0:
			b = b[n:]
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN) || err == nil:
			if err := f.wait(ctx, deadline, unix.POLLOUT); err != nil {
				return err
			}
		default:
			return &os.PathError{Op: "write", Path: f.path, Err: err}
		}
	}
	return f.wait(ctx, deadline, unix.POLLOUT)
}

func (f *fdFile) readByte(ctx context.Context, deadline time.Time) (byte, error) {
	var buf [1]byte
	for {
		n, err := unix.Read(f.fd, buf[:])
		switch {
		case n == 1:
			return buf[0], nil
		case err == nil:
			return 0, errNoAnswer // end of file: nothing will come
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			err := f.wait(ctx, deadline, unix.POLLIN)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return 0, errNoAnswer
			}
			if err != nil {
				return 0, err
			}
		default:
			return 0, &os.PathError{Op: "read", Path: f.path, Err: err}
		}
	}
}

// wait polls for events until deadline or ctx is done.
func (f *fdFile) wait(ctx context.Context, deadline time.Time, events int16) error {
	fds := []unix.PollFd{{Fd: int32(f.fd), Events: events}}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return os.ErrDeadlineExceeded
		}
		n, err := unix.Poll(fds, int(min(left, pollSlice)/time.Millisecond)+1)
		switch {
		case errors.Is(err, unix.EINTR) || err == nil && n == 0:
		case err != nil:
			return &os.PathError{Op: "poll", Path: f.path, Err: err}
		case fds[0].Revents&events != 0:
			return nil
		case fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0:
			return &os.PathError{Op: "poll", Path: f.path, Err: unix.EIO} // unplugged
		}
	}
}

func (f *fdFile) close() error {
	if err := unix.Close(f.fd); err != nil {
		return &os.PathError{Op: "close", Path: f.path, Err: err}
	}
	return nil
}
