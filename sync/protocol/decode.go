package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Decode reads one JSON body into v strictly: at most MaxBodyBytes, no
// unknown fields, nothing after the value; then v's own checks. Every
// failure is an *Error with a stable code, ready to send back.
func Decode[T interface{ Validate() error }](r io.Reader, v T) error {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return &Error{Code: ErrBadRequest, Message: "read body: " + err.Error()}
	}
	if len(body) > MaxBodyBytes {
		return &Error{Code: ErrTooLarge, Message: fmt.Sprintf("body over %d bytes", MaxBodyBytes)}
	}
	if err := checkKeys(body, reflect.TypeOf(v)); err != nil {
		return &Error{Code: ErrBadRequest, Message: "json: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{Code: ErrBadRequest, Message: "json: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	if dec.More() {
		return &Error{Code: ErrBadRequest, Message: "json: data after the body"}
	}
	if err := v.Validate(); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return pe
		}
		return &Error{Code: ErrBadRequest, Message: err.Error()}
	}
	return nil
}

func bad(format string, args ...any) error {
	return &Error{Code: ErrBadRequest, Message: fmt.Sprintf(format, args...)}
}

// checkVersion refuses clients older than MinVersion (and bodies without
// a version).
func checkVersion(v int) error {
	if v < MinVersion {
		return &Error{Code: ErrVersionNotSupported, Message: fmt.Sprintf("protocol %d; this server needs %d or newer", v, MinVersion),
			MinVersion: MinVersion}
	}
	return nil
}

// checkID accepts an identifier: printable ASCII without spaces, 1 to
// MaxIDLength characters.
func checkID(field, s string) error {
	if s == "" || len(s) > MaxIDLength {
		return bad("%s: 1 to %d characters", field, MaxIDLength)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return bad("%s: printable ASCII only", field)
		}
	}
	return nil
}

// checkText accepts valid UTF-8 up to limit bytes without control
// characters; empty when allowed.
func checkText(field, s string, limit int, empty bool) error {
	if s == "" && !empty {
		return bad("%s: required", field)
	}
	if len(s) > limit || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return bad("%s: at most %d bytes of text", field, limit)
	}
	return nil
}

// Validate checks a registration.
func (r *RegisterRequest) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if err := checkText("activation_code", r.ActivationCode, 64, false); err != nil {
		return err
	}
	if err := checkID("device_id", r.DeviceID); err != nil {
		return err
	}
	if err := checkText("device_name", r.DeviceName, 100, true); err != nil {
		return err
	}
	return checkText("app_version", r.AppVersion, 64, true)
}

// Validate checks a refresh.
func (r *RefreshRequest) Validate() error {
	return checkText("refresh_token", r.RefreshToken, 200, false)
}

// Validate checks a hello.
func (r *HelloRequest) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if err := checkID("device_id", r.DeviceID); err != nil {
		return err
	}
	if err := checkID("incarnation", r.Incarnation); err != nil {
		return err
	}
	if r.MaxClientSeq < 0 {
		return bad("max_client_seq: negative")
	}
	if len(r.Epochs) > 16 {
		return bad("epochs: too many streams")
	}
	for k, v := range r.Epochs {
		if err := checkID("epochs key", k); err != nil {
			return err
		}
		if err := checkID("epochs value", v); err != nil {
			return err
		}
	}
	return checkText("app_version", r.AppVersion, 64, true)
}

// Validate checks a push batch: its envelope strictly (a broken envelope
// refuses the whole batch) and each event's sequence order. An event's
// own content is judged by the server one by one (a poison event is
// rejected alone, see CheckEvent).
func (r *PushRequest) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if err := checkID("device_id", r.DeviceID); err != nil {
		return err
	}
	if err := checkID("incarnation", r.Incarnation); err != nil {
		return err
	}
	if r.BatchID != "" {
		if err := checkID("batch_id", r.BatchID); err != nil {
			return err
		}
	}
	if len(r.Events) == 0 {
		return bad("events: empty batch")
	}
	if len(r.Events) > MaxBatchEvents {
		return &Error{Code: ErrTooLarge, Message: fmt.Sprintf("%d events; at most %d a batch", len(r.Events), MaxBatchEvents)}
	}
	for i, e := range r.Events {
		if e.ClientSeq <= 0 {
			return bad("events[%d].client_seq: must be positive", i)
		}
		if i > 0 && e.ClientSeq <= r.Events[i-1].ClientSeq {
			return bad("events[%d].client_seq: not in increasing order", i)
		}
	}
	return nil
}

// CheckEvent judges one event's content; a non-empty code rejects it
// alone (the rest of the batch goes on).
func CheckEvent(e Event) (code, message string) {
	switch {
	case checkID("event_id", e.ID) != nil:
		return RejectMalformed, "event_id: missing or not an identifier"
	case e.Kind == "" || len(e.Kind) > MaxKindLength || checkID("kind", e.Kind) != nil:
		return RejectMalformed, "kind: missing or too long"
	case checkText("entity", e.Entity, MaxEntityLength, false) != nil:
		return RejectMalformed, "entity: missing or too long"
	case e.OccurredAt.IsZero():
		return RejectMalformed, "occurred_at: missing"
	case len(e.Payload) > MaxEventPayload:
		return RejectTooLarge, fmt.Sprintf("payload over %d bytes", MaxEventPayload)
	case len(e.Payload) == 0 || !json.Valid(e.Payload) || bytes.TrimSpace(e.Payload)[0] != '{':
		return RejectMalformed, "payload: not a JSON object"
	}
	return "", ""
}
