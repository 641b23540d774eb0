package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"centralpsa"
	"centralpsa/web"
)

const userUsage = "add --username NAME [--password-stdin] | passwd --username NAME [--password-stdin] | list"

func init() {
	register("user", command{
		summary: "add console users, reset a password, list users",
		usage:   userUsage,
		run:     (*app).user,
	})
}

// userStdin is where --password-stdin reads; tests replace it. (The app has
// no stdin of its own yet; when it gets one, read from that.)
var userStdin io.Reader = os.Stdin

func (a *app) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa user %s", userUsage)
	}
	switch args[0] {
	case "add":
		return a.userSetPassword(ctx, args[1:], true)
	case "passwd":
		return a.userSetPassword(ctx, args[1:], false)
	case "list":
		return a.userList(ctx, args[1:])
	}
	return centralpsa.Errorf(centralpsa.KindInvalid, "unknown user command %q; usage: centralpsa user %s", args[0], userUsage)
}

// userSetPassword adds a user (add) or resets a password (passwd). The
// password never appears on the command line, where other users of the
// machine could read it from the process list.
func (a *app) userSetPassword(ctx context.Context, args []string, create bool) error {
	fs := a.flags("user")
	username := fs.String("username", "", "the user's `NAME`")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of prompting")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || fs.NArg() > 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa user %s", userUsage)
	}
	password, err := a.readPassword(*fromStdin)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if !create {
		if err := web.ResetPassword(ctx, db, *username, password, 0); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "password of %s changed; their sessions have ended\n", *username)
		return nil
	}
	_, err = web.AddUser(ctx, db, *username, password, 0)
	if centralpsa.ErrorKind(err) == centralpsa.KindConflict {
		return centralpsa.Errorf(centralpsa.KindConflict, "user %s already exists; to change the password run `centralpsa user passwd --username %s`", *username, *username)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "user %s created\n", *username)
	return nil
}

// readPassword reads the password from standard input (--password-stdin) or
// prompts for it twice on the terminal without echo.
func (a *app) readPassword(fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(userStdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", centralpsa.Errorf(centralpsa.KindInvalid, "no password on standard input")
		}
		return line, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "no terminal to prompt on: pass the password with --password-stdin")
	}
	fmt.Fprintf(a.stderr, "Password (at least %d characters): ", web.MinPasswordLength)
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	fmt.Fprint(a.stderr, "Repeat the password: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if string(first) != string(second) {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "the two passwords differ")
	}
	return string(first), nil
}

func (a *app) userList(ctx context.Context, args []string) error {
	fs := a.flags("user")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\n", u.Username, u.CreatedAt.Local().Format(time.DateTime))
	}
	return tw.Flush()
}
