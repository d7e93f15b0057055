package hardware

import "context"

// SendFunc adapts a function to printing.Sender. The print queue needs its
// Sender when it is made and the Hub needs the queue, so cmd makes the
// queue with a SendFunc that calls the Hub made right after it.
type SendFunc func(ctx context.Context, printer string, data []byte) error

// Send calls f.
func (f SendFunc) Send(ctx context.Context, printer string, data []byte) error {
	return f(ctx, printer, data)
}
