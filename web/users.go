package web

import (
	"context"
	"regexp"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/web/i18n"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// maxPasswordBytes is bcrypt's limit: it ignores bytes past 72, so a
// longer password would be accepted with any tail.
const maxPasswordBytes = 72

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// checkNewUser returns the message key (and arguments) of the first rule
// that username and password break, or "" when they are acceptable. The
// console translates the key; the CLI prints it in English.
func checkNewUser(username, password string) (string, []any) {
	if !usernamePattern.MatchString(username) {
		return "user.invalid_username", nil
	}
	return checkPassword(password)
}

func checkPassword(password string) (string, []any) {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return "user.password_short", []any{MinPasswordLength}
	case len(password) > maxPasswordBytes:
		return "user.password_long", []any{maxPasswordBytes}
	}
	return "", nil
}

// AddUser checks the username and password against the console's rules,
// hashes the password with bcrypt at cost (bcrypt.DefaultCost when 0) and
// stores the user. `centralpsa user add` and the first-run form both use
// it. Errors are KindInvalid (a rule, in English) or KindConflict (taken).
func AddUser(ctx context.Context, db *store.DB, username, password string, cost int) (store.User, error) {
	if key, args := checkNewUser(username, password); key != "" {
		return store.User{}, centralpsa.Errorf(centralpsa.KindInvalid, "%s", i18n.T("en", key, args...))
	}
	hash, err := hashPassword(password, cost)
	if err != nil {
		return store.User{}, err
	}
	return db.CreateUser(ctx, username, hash)
}

// ResetPassword gives an existing user a new password and signs them out
// everywhere.
func ResetPassword(ctx context.Context, db *store.DB, username, password string, cost int) error {
	if key, args := checkPassword(password); key != "" {
		return centralpsa.Errorf(centralpsa.KindInvalid, "%s", i18n.T("en", key, args...))
	}
	hash, err := hashPassword(password, cost)
	if err != nil {
		return err
	}
	return db.SetPassword(ctx, username, hash)
}

func hashPassword(password string, cost int) (string, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		// bcrypt's errors name the cost or the length, never the password.
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "hash password: %v", err)
	}
	return string(hash), nil
}

// authenticate returns the user whose name and password match. An unknown
// name still costs one bcrypt comparison, so response times do not reveal
// which usernames exist.
func (s *Server) authenticate(ctx context.Context, username, password string) (store.User, bool, error) {
	u, err := s.cfg.Store.UserByName(ctx, username)
	if centralpsa.ErrorKind(err) == centralpsa.KindNotFound {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return store.User{}, false, nil
	}
	if err != nil {
		return store.User{}, false, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return store.User{}, false, nil
	}
	return u, true, nil
}
