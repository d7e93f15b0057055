// Package printing is the counter's durable print queue.
//
// A document to print is committed to the database first (print_jobs) and
// only then sent, by one worker per printer, through a Sender the app is
// wired with (cmd/smartpoint wraps device/printer). A printer that is
// offline, out of paper or unplugged keeps its jobs waiting — across an
// app restart — and retries with backoff; the clerk sees the queue and can
// retry now, cancel, or reprint any recent document. The counter itself
// never waits for a printer.
//
// A job interrupted while being sent (power cut, crash) is sent again on
// the next start: a receipt printed twice is better than one lost.
package printing
