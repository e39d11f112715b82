package policy

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// A Pattern is an allowed "host:port": Host "*" is any host, Port 0 any
// port.
type Pattern struct {
	Host string
	Port int
}

// ParsePattern parses "host:port", "[v6]:port", "*:port", "host:*".
func ParsePattern(s string) (Pattern, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return Pattern{}, err
	}
	p := Pattern{Host: strings.ToLower(host)}
	if port != "*" {
		if p.Port, err = strconv.Atoi(port); err != nil || p.Port <= 0 || p.Port > 65535 {
			return Pattern{}, errors.New("bad port in " + strconv.Quote(s))
		}
	}
	return p, nil
}

// match reports whether host (a name as the script gave it, or an
// address) and port match one of patterns.
func match(patterns []Pattern, host string, ip net.IP, port int) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range patterns {
		if p.Port != 0 && p.Port != port {
			continue
		}
		switch {
		case p.Host == "*":
			return true
		case p.Host == host:
			return true
		case ip != nil && net.ParseIP(p.Host) != nil && net.ParseIP(p.Host).Equal(ip):
			return true
		case strings.HasPrefix(p.Host, "*.") && strings.HasSuffix(host, p.Host[1:]):
			return true
		}
	}
	return false
}
