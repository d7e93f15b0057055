package printer

import (
	"context"
	"errors"
	"time"

	"smartpoint/device/escpos"
)

// USB prints to a Linux usblp character device (/dev/usb/lp0). It is a
// file: each job opens it, writes and closes it, so an unplugged printer
// costs one failed job, not a stale descriptor. The device is opened
// read-write for status and write-only when reading is not permitted.
//
// The descriptor is non-blocking and every wait is a poll(2) with the
// deadline, so ctx deadlines and cancellation interrupt a write to a
// printer that stopped taking data and a status read from one that never
// answers. Write returns once the printer has taken the last transfer,
// not when the data is merely queued in the kernel. A plain file (tests,
// a spool file) takes jobs and has no status.
type USB struct {
	Path          string        // "/dev/usb/lp0"
	WriteTimeout  time.Duration // a whole job when ctx has no deadline; 0: DefaultWriteTimeout
	StatusTimeout time.Duration // per answer byte; 0: DefaultStatusTimeout

	// find, when set, names the device now (matched by VID:PID: the lp
	// number changes when the printer is plugged in again).
	find func() (string, error)
}

func (u *USB) String() string { return "usb " + u.Path }

// usbFile is an open device: the platform part of USB.
type usbFile interface {
	// write writes all of b, waiting for the device until deadline, then
	// waits until the device has taken it.
	write(ctx context.Context, deadline time.Time, b []byte) error
	// readByte waits until deadline for one byte; errNoAnswer if none.
	readByte(ctx context.Context, deadline time.Time) (byte, error)
	// answers reports whether the device can be asked for status: opened
	// for reading, and not a plain file.
	answers() bool
	close() error
}

func (u *USB) open(ctx context.Context) (usbFile, string, error) {
	path := u.Path
	if u.find != nil {
		var err error
		if path, err = u.find(); err != nil {
			return nil, u.String(), err
		}
	}
	dev := "usb " + path
	if path == "" {
		return nil, dev, fail("open", dev, ErrConfig, errors.New("no device path"))
	}
	f, err := openUSB(path)
	if err != nil {
		return nil, dev, classify(ctx, "open", dev, err)
	}
	return f, dev, nil
}

// deadline is the earlier of ctx's deadline and now+d.
func deadline(ctx context.Context, d time.Duration) time.Time {
	t := time.Now().Add(d)
	if cd, ok := ctx.Deadline(); ok && cd.Before(t) {
		return cd
	}
	return t
}

func (u *USB) Write(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return classify(ctx, "write", u.String(), err)
	}
	f, dev, err := u.open(ctx)
	if err != nil {
		return err
	}
	if err := f.write(ctx, deadline(ctx, orDefault(u.WriteTimeout, DefaultWriteTimeout)), job); err != nil {
		f.close()
		return classify(ctx, "write", dev, err)
	}
	return classify(ctx, "write", dev, f.close())
}

// Status asks DLE EOT 1, 2, 4. usblp passes the answers up from the
// printer's bulk-in endpoint; a unidirectional printer never answers,
// which gives ErrNoStatus after StatusTimeout.
func (u *USB) Status(ctx context.Context) (escpos.Status, error) {
	f, dev, err := u.open(ctx)
	if err != nil {
		return escpos.Status{}, err
	}
	defer f.close()
	if !f.answers() {
		return escpos.Status{}, fail("status", dev, ErrNoStatus, errors.New("device is write-only or a plain file"))
	}
	return queryStatus(ctx, &usbLink{ctx: ctx, f: f}, dev, u.StatusTimeout)
}

func (u *USB) Close() error { return nil }

// usbLink is a byteLink over an open device.
type usbLink struct {
	ctx context.Context
	f   usbFile
}

func (l *usbLink) send(b []byte) error {
	return l.f.write(l.ctx, deadline(l.ctx, DefaultDialTimeout), b)
}

func (l *usbLink) recvByte(deadline time.Time) (byte, error) {
	return l.f.readByte(l.ctx, deadline)
}
