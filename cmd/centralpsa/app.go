package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"centralpsa"
	"centralpsa/config"
)

// app is one invocation of the CLI. Commands get their writers and the
// environment from it, so tests can run them in-process and read --json.
type app struct {
	stdout, stderr io.Writer
	env            config.EnvFunc
	logger         *slog.Logger
}

func newApp(stdout, stderr io.Writer, env config.EnvFunc) *app {
	level := slog.LevelWarn
	if v, _ := env("CENTRALPSA_LOG_LEVEL"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	return &app{stdout: stdout, stderr: stderr, env: env,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
}

type command struct {
	summary string
	usage   string
	run     func(a *app, ctx context.Context, args []string) error
}

// commands is the table of subcommands; each lives in its own file.
var commands = map[string]command{}

func register(name string, c command) { commands[name] = c }

// exitError carries an exit status for outcomes that are not failures of
// the program itself, such as doctor finding a missing permission.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// run executes args and returns the process exit status: 0 success, 1 a
// failed check or sync, 2 a usage error.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.help()
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(a.stderr, "centralpsa: unknown command %q\n\n", args[0])
		a.help()
		return 2
	}
	// Commands with subcommands ("map auto", "sync usage") print their
	// usage for -h; the others let their flag set print its defaults.
	if len(args) == 2 && (args[1] == "-h" || args[1] == "--help" || args[1] == "help") && hasSubcommands(cmd) {
		fmt.Fprintf(a.stdout, "Usage: centralpsa %s %s\n\n%s\n", args[0], cmd.usage, cmd.summary)
		return 0
	}
	err := cmd.run(a, ctx, args[1:])
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(a.stderr, "centralpsa:", ee.msg)
		}
		return ee.code
	case centralpsa.ErrorKind(err) == centralpsa.KindInvalid:
		fmt.Fprintln(a.stderr, "centralpsa:", err)
		return 2
	default:
		fmt.Fprintln(a.stderr, "centralpsa:", err)
		return 1
	}
}

// writeJSON prints v indented, for --json.
func (a *app) writeJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func hasSubcommands(c command) bool {
	return c.usage != "" && !strings.HasPrefix(c.usage, "[") && !strings.HasPrefix(c.usage, "-")
}

func (a *app) help() {
	fmt.Fprintln(a.stdout, "centralpsa connects Sophos Central Partner to ConnectWise PSA.\n\nUsage: centralpsa COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(a.stdout, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(a.stdout, "\nRun 'centralpsa COMMAND -h' for a command's flags. Settings: see 'centralpsa config list'.")
}

// flags builds a FlagSet for a command that prints its usage to stderr.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("centralpsa "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	c := commands[name]
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: centralpsa %s %s\n\n%s\n", name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning a bad flag into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: strings.TrimSpace(err.Error())}
	}
	return nil
}

// settings resolves the settings from the environment (the database is
// added by commands that open it).
func (a *app) settings(ctx context.Context, store config.Store) (*config.Settings, error) {
	return config.Load(ctx, a.env, store)
}

func init() {
	register("version", command{summary: "print the version", run: func(a *app, _ context.Context, _ []string) error {
		fmt.Fprintln(a.stdout, centralpsa.UserAgent())
		return nil
	}})
}
