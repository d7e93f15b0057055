package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"smartpoint/app/auth"
	"smartpoint/app/errs"
)

// Role is what a clerk account may do. Roles are checked here, in the
// core, so a UI bug or a script cannot bypass them.
type Role string

const (
	RoleClerk   Role = "clerk"
	RoleManager Role = "manager"
	RoleOwner   Role = "owner"
)

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleManager:
		return 2
	case RoleClerk:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Lockout policy: after MaxPINFailures wrong PINs in a row the account is
// locked for LockoutFor; each further failure locks it again.
const (
	MaxPINFailures = 5
	LockoutFor     = 5 * time.Minute
)

// Session is a logged-in clerk. Only Login makes one, so its role can be
// trusted by every service method.
type Session struct {
	clerkID int64
	name    string
	role    Role
	shiftID int64
}

func (s *Session) ClerkID() int64 { return s.clerkID }
func (s *Session) Name() string   { return s.name }
func (s *Session) Role() Role     { return s.role }
func (s *Session) ShiftID() int64 { return s.shiftID }

// require fails unless the session's role is at least need.
func (s *Session) require(need Role) error {
	if s == nil || s.role.rank() < need.rank() {
		return errs.New(ErrForbidden, "Need", string(need))
	}
	return nil
}

// onShift fails unless the clerk has an open shift: counter work is
// always attributed to a shift for the shift report.
func (s *Session) onShift() error {
	if s == nil {
		return errs.New(ErrForbidden, "Need", string(RoleClerk))
	}
	if s.shiftID == 0 {
		return errs.New(ErrNoShift)
	}
	return nil
}

// Clerk is an account as listed to managers (never with its PIN hash).
type Clerk struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Active      bool      `json:"active"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// ValidatePIN enforces 4–8 digits and rejects the trivially guessable.
func ValidatePIN(pin string) error {
	if len(pin) < 4 || len(pin) > 8 {
		return errs.New(ErrWeakPIN)
	}
	for _, r := range pin {
		if !unicode.IsDigit(r) || r > '9' {
			return errs.New(ErrWeakPIN)
		}
	}
	same, asc, desc := true, true, true
	for i := 1; i < len(pin); i++ {
		same = same && pin[i] == pin[0]
		asc = asc && pin[i] == pin[i-1]+1
		desc = desc && pin[i] == pin[i-1]-1
	}
	if same || asc || desc {
		return errs.New(ErrWeakPIN)
	}
	return nil
}

func cleanName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 64 {
		return "", errs.New(ErrInvalid, "Field", "name", "Value", name)
	}
	return name, nil
}

// CreateClerk adds an account. Managers may add clerks; only owners may add
// managers and owners.
func (s *Service) CreateClerk(ctx context.Context, sess *Session, name string, role Role, pin string) (Clerk, error) {
	need := RoleManager
	if role != RoleClerk {
		need = RoleOwner
	}
	if err := sess.require(need); err != nil {
		return Clerk{}, err
	}
	return s.createClerk(ctx, sess, name, role, pin)
}

func (s *Service) createClerk(ctx context.Context, sess *Session, name string, role Role, pin string) (Clerk, error) {
	name, err := cleanName(name)
	if err != nil {
		return Clerk{}, err
	}
	if !role.Valid() {
		return Clerk{}, errs.New(ErrInvalid, "Field", "role", "Value", string(role))
	}
	if err := ValidatePIN(pin); err != nil {
		return Clerk{}, err
	}
	hash, err := auth.Hash(pin, s.pin)
	if err != nil {
		return Clerk{}, err
	}
	c := Clerk{Name: name, Role: role, Active: true}
	err = s.tx(ctx, sess, func(t *txn) error {
		var exists int
		t.QueryRow(`SELECT count(*) FROM clerks WHERE name = ?`, name).Scan(&exists)
		if exists > 0 {
			return errs.New(ErrClerkExists, "Name", name)
		}
		res, err := t.Exec(`INSERT INTO clerks(name,role,pin_hash,created_at) VALUES(?,?,?,?)`, name, role, hash, t.nowMs())
		if err != nil {
			return fmt.Errorf("insert clerk: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		return t.emit(EvClerkCreated, fmt.Sprintf("clerk:%d", c.ID), map[string]any{"name": name, "role": role})
	})
	return c, err
}

// Clerks lists accounts; anyone logged in may see names (the login screen
// shows them), the rest is for managers.
func (s *Service) Clerks(ctx context.Context) ([]Clerk, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id,name,role,active,locked_until FROM clerks ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list clerks: %w", err)
	}
	defer rows.Close()
	var out []Clerk
	now := s.clock.Now()
	for rows.Next() {
		var c Clerk
		var locked int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Role, &c.Active, &locked); err != nil {
			return nil, err
		}
		if t := time.UnixMilli(locked); locked > 0 && t.After(now) {
			c.LockedUntil = t
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Login checks a clerk's PIN. Wrong PINs count towards a lockout; the
// failure is logged as an event (the audit trail of who tried what).
// If the clerk already has an open shift, the session joins it.
func (s *Service) Login(ctx context.Context, name, pin string) (*Session, error) {
	var (
		id            int64
		role          Role
		hash          string
		failed        int
		lockedUntil   int64
		active        bool
		canonicalName string
	)
	err := s.db.R.QueryRowContext(ctx, `SELECT id,name,role,pin_hash,failed_attempts,locked_until,active FROM clerks WHERE name = ?`,
		s.canonicalClerkName(ctx, name)).Scan(&id, &canonicalName, &role, &hash, &failed, &lockedUntil, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(ErrUnknownClerk, "Name", name)
	}
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", name, err)
	}
	if !active {
		return nil, errs.New(ErrInactive, "Name", canonicalName)
	}
	now := s.clock.Now()
	if until := time.UnixMilli(lockedUntil); lockedUntil > 0 && until.After(now) {
		return nil, errs.New(ErrLocked, "Until", until.In(s.loc))
	}
	ok, err := auth.Verify(pin, hash)
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", canonicalName, err)
	}
	ghost := &Session{clerkID: id, name: canonicalName, role: role}
	if !ok {
		return nil, s.loginFailed(ctx, ghost, failed+1)
	}
	sess := &Session{clerkID: id, name: canonicalName, role: role}
	err = s.tx(ctx, sess, func(t *txn) error {
		if _, err := t.Exec(`UPDATE clerks SET failed_attempts=0, locked_until=0 WHERE id=?`, id); err != nil {
			return err
		}
		var shift sql.NullInt64
		t.QueryRow(`SELECT id FROM shifts WHERE clerk_id=? AND closed_at IS NULL`, id).Scan(&shift)
		sess.shiftID = shift.Int64
		return t.emit(EvClerkLogin, fmt.Sprintf("clerk:%d", id), map[string]any{})
	})
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", canonicalName, err)
	}
	return sess, nil
}

func (s *Service) loginFailed(ctx context.Context, ghost *Session, failed int) error {
	var result error = errs.New(ErrBadPIN, "Left", max(MaxPINFailures-failed, 0))
	err := s.tx(ctx, ghost, func(t *txn) error {
		var locked int64
		if failed >= MaxPINFailures {
			until := t.now.Add(LockoutFor)
			locked = until.UnixMilli()
			result = errs.New(ErrLocked, "Until", until.In(s.loc))
		}
		if _, err := t.Exec(`UPDATE clerks SET failed_attempts=?, locked_until=? WHERE id=?`, failed, locked, ghost.clerkID); err != nil {
			return err
		}
		kind := EvClerkLoginFailed
		if locked > 0 {
			kind = EvClerkLocked
		}
		return t.emit(kind, fmt.Sprintf("clerk:%d", ghost.clerkID), map[string]any{"failed": failed})
	})
	if err != nil {
		return err
	}
	return result
}

// SetPIN changes a PIN: a clerk their own (with the old PIN checked by a
// fresh Login in the UI), a manager anyone's below owner, an owner anyone's.
func (s *Service) SetPIN(ctx context.Context, sess *Session, clerkID int64, pin string) error {
	if err := ValidatePIN(pin); err != nil {
		return err
	}
	target, err := s.clerkRole(ctx, clerkID)
	if err != nil {
		return err
	}
	if clerkID != sess.ClerkID() {
		need := RoleManager
		if target != RoleClerk {
			need = RoleOwner
		}
		if err := sess.require(need); err != nil {
			return err
		}
	}
	hash, err := auth.Hash(pin, s.pin)
	if err != nil {
		return err
	}
	return s.tx(ctx, sess, func(t *txn) error {
		if _, err := t.Exec(`UPDATE clerks SET pin_hash=?, failed_attempts=0, locked_until=0 WHERE id=?`, hash, clerkID); err != nil {
			return err
		}
		return t.emit(EvClerkUpdated, fmt.Sprintf("clerk:%d", clerkID), map[string]any{"pin_changed": true})
	})
}

// SetClerkActive enables or disables an account (owner only). The last
// active owner cannot be disabled: someone must be able to manage the point.
func (s *Service) SetClerkActive(ctx context.Context, sess *Session, clerkID int64, active bool) error {
	if err := sess.require(RoleOwner); err != nil {
		return err
	}
	return s.tx(ctx, sess, func(t *txn) error {
		var role Role
		if err := t.QueryRow(`SELECT role FROM clerks WHERE id=?`, clerkID).Scan(&role); err != nil {
			return errs.New(ErrUnknownClerk, "Name", fmt.Sprint(clerkID))
		}
		if !active && role == RoleOwner {
			var owners int
			t.QueryRow(`SELECT count(*) FROM clerks WHERE role='owner' AND active=1 AND id<>?`, clerkID).Scan(&owners)
			if owners == 0 {
				return errs.New(ErrLastOwner)
			}
		}
		if _, err := t.Exec(`UPDATE clerks SET active=? WHERE id=?`, active, clerkID); err != nil {
			return err
		}
		return t.emit(EvClerkUpdated, fmt.Sprintf("clerk:%d", clerkID), map[string]any{"active": active})
	})
}

func (s *Service) clerkRole(ctx context.Context, id int64) (Role, error) {
	var role Role
	err := s.db.R.QueryRowContext(ctx, `SELECT role FROM clerks WHERE id=?`, id).Scan(&role)
	if err != nil {
		return "", errs.New(ErrUnknownClerk, "Name", fmt.Sprint(id))
	}
	return role, nil
}

// canonicalClerkName matches a typed name case-insensitively in any
// script (SQLite's NOCASE folds only ASCII, and names here are Cyrillic).
func (s *Service) canonicalClerkName(ctx context.Context, name string) string {
	name = strings.Join(strings.Fields(name), " ")
	clerks, err := s.Clerks(ctx)
	if err != nil {
		return name
	}
	for _, c := range clerks {
		if strings.EqualFold(c.Name, name) {
			return c.Name
		}
	}
	return name
}
