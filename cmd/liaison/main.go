// Command liaison runs and drives a liaison node: it initialises a node's
// data directory, serves the REST API, and performs every act an officer
// can perform (organisations, officers, agreements, products,
// disseminations, release requests, RFIs, feedback, interactions, breaches
// and the audit chain), either directly on a data directory (--data) or
// against a running server (--server and --token).
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		os.Exit(exitCode(err))
	}
}

// run executes the command line args (without the program name), reading
// configuration from getenv and input from stdin. It reports failures on
// stderr itself, in the form "error: <message> (<code>)", and returns the
// error so that main can pick the exit code (see exitCode).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		err = classify(err)
		a.printError(err)
	}
	return err
}

// exitCode is the process exit status for an error returned by run: 2 for
// usage errors, 1 for anything else.
func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
