package counter

import "context"

// Report is replaced by the real shift/day report (work in progress).
type Report struct{}

// ShiftReport is replaced by the real implementation (work in progress).
func (s *Service) ShiftReport(ctx context.Context, sess *Session, shiftID int64) (Report, error) {
	return Report{}, nil
}
