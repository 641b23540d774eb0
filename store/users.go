package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"centralpsa"
)

// User is a person who may sign in to the console. The store keeps the
// password hash the web layer computed (bcrypt) and never sees a password.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	CreatedAt    time.Time // set by the store
}

// Session is a signed-in browser. IDHash is the hex SHA-256 of the random
// token in the session cookie: the token itself is never stored, so the
// database cannot be used to impersonate anyone. CSRFToken is the token
// that every form and API write of the session must carry.
type Session struct {
	IDHash    string
	UserID    int64
	Username  string // filled in by Session
	CSRFToken string
	CreatedAt time.Time // set by the store
	ExpiresAt time.Time
}

// CreateUser adds a user. A taken username is a KindConflict error.
func (h *handle) CreateUser(ctx context.Context, username, passwordHash string) (User, error) {
	if strings.TrimSpace(username) == "" || passwordHash == "" {
		return User{}, invalid("a user needs a username and a password hash")
	}
	u := User{Username: username, PasswordHash: passwordHash, CreatedAt: h.now()}
	err := h.queryRow(ctx, `INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
		username, passwordHash, h.d.timeArg(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return User{}, classify(err, "create user %s", username)
	}
	return u, nil
}

// CreateFirstUser adds a user only while there is none, in one statement,
// so two people completing the first-run form at once cannot both become
// administrators. When a user exists it is a KindConflict error.
func (h *handle) CreateFirstUser(ctx context.Context, username, passwordHash string) (User, error) {
	if strings.TrimSpace(username) == "" || passwordHash == "" {
		return User{}, invalid("a user needs a username and a password hash")
	}
	u := User{Username: username, PasswordHash: passwordHash, CreatedAt: h.now()}
	err := h.queryRow(ctx, `INSERT INTO users (username, password_hash, created_at)
		SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id`,
		username, passwordHash, h.d.timeArg(u.CreatedAt)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, centralpsa.Errorf(centralpsa.KindConflict, "the first user has already been created")
	}
	if err != nil {
		return User{}, classify(err, "create first user %s", username)
	}
	return u, nil
}

// UserByName returns the user called username (exact match).
func (h *handle) UserByName(ctx context.Context, username string) (User, error) {
	var u User
	err := h.queryRow(ctx, `SELECT id, username, password_hash, created_at FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.PasswordHash, timeScanner{&u.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("no user %s", username)
	}
	if err != nil {
		return User{}, classify(err, "read user %s", username)
	}
	return u, nil
}

// Users returns every user ordered by username, without password hashes.
func (h *handle) Users(ctx context.Context) ([]User, error) {
	rows, err := h.query(ctx, `SELECT id, username, created_at FROM users ORDER BY username`)
	if err != nil {
		return nil, classify(err, "read users")
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, timeScanner{&u.CreatedAt}); err != nil {
			return nil, classify(err, "read users")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read users")
	}
	return out, nil
}

// HasUsers reports whether any user exists: until one does, the console
// only offers to create the first administrator.
func (h *handle) HasUsers(ctx context.Context) (bool, error) {
	var n int
	if err := h.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) AS u`).Scan(&n); err != nil {
		return false, classify(err, "count users")
	}
	return n > 0, nil
}

// SetPassword replaces a user's password hash and ends all of the user's
// sessions, so a reset locks out whoever knew the old password.
func (h *handle) SetPassword(ctx context.Context, username, passwordHash string) error {
	if passwordHash == "" {
		return invalid("password hash is empty")
	}
	return h.atomic(ctx, func(h *handle) error {
		u, err := h.UserByName(ctx, username)
		if err != nil {
			return err
		}
		if _, err := h.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, u.ID); err != nil {
			return classify(err, "set password of %s", username)
		}
		if _, err := h.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return classify(err, "end sessions of %s", username)
		}
		return nil
	})
}

// CreateSession stores a session. IDHash, UserID, CSRFToken and a
// future ExpiresAt are required.
func (h *handle) CreateSession(ctx context.Context, s Session) error {
	if s.IDHash == "" || s.UserID == 0 || s.CSRFToken == "" || s.ExpiresAt.IsZero() {
		return invalid("a session needs an id hash, a user, a CSRF token and an expiry")
	}
	_, err := h.exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.IDHash, s.UserID, s.CSRFToken, h.d.timeArg(h.now()), h.d.timeArg(s.ExpiresAt))
	if err != nil {
		return classify(err, "create session")
	}
	return nil
}

// Session returns the unexpired session with the given id hash and its
// user's name. A missing or expired session is KindNotFound: the caller
// cannot tell them apart, and need not.
func (h *handle) Session(ctx context.Context, idHash string) (Session, error) {
	s := Session{IDHash: idHash}
	err := h.queryRow(ctx, `SELECT s.user_id, u.username, s.csrf_token, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?`,
		idHash, h.d.timeArg(h.now())).
		Scan(&s.UserID, &s.Username, &s.CSRFToken, timeScanner{&s.CreatedAt}, timeScanner{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, notFound("no such session")
	}
	if err != nil {
		return Session{}, classify(err, "read session")
	}
	return s, nil
}

// DeleteSession ends a session; ending one that does not exist is not an
// error (signing out twice is harmless).
func (h *handle) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := h.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return classify(err, "delete session")
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry and returns how
// many it removed.
func (h *handle) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := h.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, h.d.timeArg(h.now()))
	if err != nil {
		return 0, classify(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, classify(err, "delete expired sessions")
	}
	return n, nil
}
