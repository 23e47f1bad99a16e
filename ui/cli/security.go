package cli

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"dynalab/engine/auth"
	"dynalab/engine/server"
	"dynalab/sessions"
)

// securityFlags are serve's authentication, TLS and timeout flags.
type securityFlags struct {
	authFile      string
	noAuth        bool
	tlsCert       string
	tlsKey        string
	tlsSelfSigned bool
	tlsCAFile     string
	readTimeout   time.Duration
	writeTimeout  time.Duration
	idleTimeout   time.Duration
	metricsPublic bool
	maxConns      int
	minBodyRate   int64
	cors          string

	// Set by load.
	authSession string // the session whose auth setting authFile is
	users       []auth.User
	tls         *tls.Config
	notes       []string // lines for the greeting (the TLS certificate)
}

// addSecurityFlags defines serve's security flags on c.
func addSecurityFlags(c *cobra.Command) *securityFlags {
	f := &securityFlags{}
	fs := c.Flags()
	fs.StringVar(&f.authFile, "auth", "", "verify every request's AWS SigV4 signature against the users of `FILE`\n(JSON: {\"users\":[{\"accessKeyId\",\"secretAccessKey\",\"userId\",\"sessionToken\",\"policy\"}]})\nand authorize it with the user's IAM policy and the tables' resource policies\n(default: the session's auth file, see dynalab session set --auth)")
	fs.BoolVar(&f.noAuth, "no-auth", false, "accept any credentials even if the session has an auth file")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with the PEM certificate (chain) in `FILE` (needs --tls-key)")
	fs.StringVar(&f.tlsKey, "tls-key", "", "the PEM private key of --tls-cert, in `FILE`")
	fs.BoolVar(&f.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a fresh self-signed certificate for 127.0.0.1/localhost;\nits PEM is written for clients to trust (see --tls-ca-file)")
	fs.StringVar(&f.tlsCAFile, "tls-ca-file", "", "where --tls-self-signed writes the certificate PEM (default self-signed.pem in the data directory)")
	fs.DurationVar(&f.readTimeout, "read-timeout", server.ReadTimeout, "longest time a client may take to send a request")
	fs.DurationVar(&f.writeTimeout, "write-timeout", server.WriteTimeout, "longest time from a request's headers to the end of its response")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", server.IdleTimeout, "how long an idle keep-alive connection is kept")
	fs.IntVar(&f.maxConns, "max-connections", server.DefaultMaxConnections(), "most client connections open at once, kept below the file-descriptor limit;\nat the cap an idle keep-alive connection is closed, or a new one waits")
	fs.Int64Var(&f.minBodyRate, "min-body-rate", server.MinBodyRate, "`BYTES` per second a request body must average after its first 20 s, or it is\ndropped with 408 (-1: no minimum; --read-timeout still applies)")
	fs.StringVar(&f.cors, "cors", "*", "browser origins allowed to call the endpoint (CORS): * for any, as the service answers,\na comma-separated list of `ORIGINS`, or off")
	fs.BoolVar(&f.metricsPublic, "metrics-public", false, "with --auth, serve GET /metrics without a signature (for a Prometheus scraper)")
	return f
}

// scheme is the endpoint's URL scheme.
func (f *securityFlags) scheme() string {
	if f.tlsCert != "" || f.tlsSelfSigned {
		return "https"
	}
	return "http"
}

// load checks the flags and reads what they name: the auth file (--auth,
// else the selected session's auth setting), the certificate, or a new
// self-signed one (whose fingerprint and PEM file the greeting reports).
// listen is the --listen address, for the self-signed certificate's
// names. Call it before listening, so that mistakes stop serve early;
// mistakes in the flags are reported on stderr.
func (f *securityFlags) load(listen string, sel sessions.Selector, stderr io.Writer) error {
	switch {
	case f.noAuth && f.authFile != "":
		fmt.Fprintln(stderr, "dynalab serve: --auth and --no-auth exclude each other")
		return errUsage
	case f.tlsSelfSigned && (f.tlsCert != "" || f.tlsKey != ""):
		fmt.Fprintln(stderr, "dynalab serve: --tls-self-signed and --tls-cert/--tls-key exclude each other")
		return errUsage
	case (f.tlsCert == "") != (f.tlsKey == ""):
		fmt.Fprintln(stderr, "dynalab serve: --tls-cert and --tls-key go together")
		return errUsage
	case f.tlsCAFile != "" && !f.tlsSelfSigned:
		fmt.Fprintln(stderr, "dynalab serve: --tls-ca-file needs --tls-self-signed")
		return errUsage
	}
	if f.authFile == "" && !f.noAuth {
		name, file, err := sessionAuthFile(sel)
		if err != nil {
			return err
		}
		f.authFile, f.authSession = file, name
	}
	if f.authFile != "" {
		file, err := auth.LoadFile(f.authFile)
		if err != nil {
			if f.authSession != "" {
				err = fmt.Errorf("session %q's auth setting: %w (change it with dynalab session set %s --auth FILE, or serve with --no-auth)", f.authSession, err, f.authSession)
			}
			return err
		}
		f.users = file.Users
	}
	switch {
	case f.tlsCert != "":
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		f.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	case f.tlsSelfSigned:
		return f.selfSigned(listen, sel.Home)
	}
	return nil
}

// selfSigned makes the self-signed certificate and writes its PEM.
func (f *securityFlags) selfSigned(listen string, home sessions.Home) error {
	var hosts []string
	if h, _, err := net.SplitHostPort(listen); err == nil && h != "" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, h)
		}
	}
	if h, err := os.Hostname(); err == nil {
		hosts = append(hosts, h)
	}
	ss, err := server.SelfSignedCert(time.Now(), hosts...)
	if err != nil {
		return err
	}
	path := f.tlsCAFile
	if path == "" {
		dir, err := home.Path()
		if err != nil {
			return fmt.Errorf("--tls-self-signed: %w (choose a file with --tls-ca-file)", err)
		}
		path = filepath.Join(dir, "self-signed.pem")
	}
	if err := os.MkdirAll(filepath.Dir(path), sessions.PrivateDir); err != nil {
		return fmt.Errorf("--tls-self-signed: %w", err)
	}
	if err := os.WriteFile(path, ss.PEM, 0o644); err != nil {
		return fmt.Errorf("--tls-self-signed: %w", err)
	}
	f.tls = &tls.Config{Certificates: []tls.Certificate{ss.Cert}, MinVersion: tls.VersionTLS12}
	f.notes = append(f.notes,
		"TLS: self-signed certificate, SHA-256 fingerprint "+ss.Fingerprint,
		"     trust it with AWS_CA_BUNDLE="+path+" (aws --ca-bundle, boto3 verify=, Go RootCAs)")
	return nil
}

// serveOptions returns the server options the flags call for: the users
// of --auth, TLS and timeouts, in the session's region.
func (f *securityFlags) serveOptions(region string) sessions.ServeOptions {
	o := sessions.ServeOptions{Region: region, Users: f.users}
	o.Server.TLS = f.tls
	o.Server.ReadTimeout, o.Server.WriteTimeout, o.Server.IdleTimeout = f.readTimeout, f.writeTimeout, f.idleTimeout
	o.Server.ExtraPublic = f.metricsPublic
	o.Server.MaxConnections, o.Server.MinBodyRate, o.Server.CORS = f.maxConns, f.minBodyRate, f.cors
	return o
}

// sessionAuthFile returns the selected session's auth setting: its name
// and the auth file, or "", "" when it has none (or none is selected).
func sessionAuthFile(sel sessions.Selector) (name, file string, err error) {
	name = sel.SessionName()
	if name == "" {
		return "", "", nil
	}
	st, err := sel.Home.Load(name)
	if err != nil || st.Auth == "" {
		return "", "", err
	}
	return name, st.Auth, nil
}

// workbenchServeOptions returns the options of the workbench's server:
// with the session's auth file as the users, and every request and
// decision published to the session (the Activity pane lists them).
func workbenchServeOptions(sel sessions.Selector) (sessions.ServeOptions, error) {
	opts := sessions.ServeOptions{Region: sel.Region, Activity: true}
	name, file, err := sessionAuthFile(sel)
	if err != nil || file == "" {
		return opts, err
	}
	f, err := auth.LoadFile(file)
	if err != nil {
		return opts, fmt.Errorf("session %q's auth setting: %w (change it with dynalab session set %s --auth FILE)", name, err, name)
	}
	opts.Users = f.Users
	return opts, nil
}

// authenticated reports whether --auth is on.
func (f *securityFlags) authenticated() bool { return f.authFile != "" }

// greeting returns the lines serve prints after its endpoint: which
// credentials work, and the TLS certificate.
func (f *securityFlags) greeting() string {
	s := "     (any credentials work, e.g. AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1)\n"
	switch {
	case f.authSession != "":
		s = fmt.Sprintf("     (requests must be signed with an access key of %s, session %q's auth file)\n", f.authFile, f.authSession)
	case f.authenticated():
		s = fmt.Sprintf("     (requests must be signed with an access key of %s)\n", f.authFile)
	}
	if f.authenticated() && !f.metricsPublic {
		s += "     (GET /metrics too, e.g. curl --aws-sigv4 aws:amz:REGION:dynamodb --user AKID:SECRET; or --metrics-public)\n"
	}
	for _, n := range f.notes {
		s += n + "\n"
	}
	return s
}
