package misp

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// obj is one STIX object under construction.
type obj map[string]any

// observable is what an attribute of an IoC type maps to: a STIX pattern
// (for to_ids attributes) and the SCOs it describes (for the others). When
// the value does not fit its type, patternErr or scoErr says why and the
// attribute becomes an x-misp-attribute instead.
type observable struct {
	pattern     string
	patternType string // "stix", or a rule language: "yara", "sigma", "snort"
	patternErr  string
	scos        []obj // the first one carries the attribute's whole value
	scoErr      string
}

// idFunc returns the id of the n-th SCO (n = 0 is the primary one) of type
// typ derived from the attribute being mapped.
type idFunc func(typ string, n int) string

// hashAlgo gives the STIX hashes key of a MISP hash type and the length of
// its hex digest (0 for non-hex hashes).
func hashAlgo(typ string) (key string, hexLen int, ok bool) {
	switch typ {
	case "md5":
		return "MD5", 32, true
	case "sha1":
		return "SHA-1", 40, true
	case "sha256":
		return "SHA-256", 64, true
	case "sha512":
		return "SHA-512", 128, true
	case "ssdeep":
		return "SSDEEP", 0, true
	}
	return "", 0, false
}

// isIoC reports whether the MISP type is one observableOf maps.
func isIoC(typ string) bool {
	_, _, ok := fileHashType(typ)
	if ok {
		return true
	}
	switch typ {
	case "ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "hostname|port",
		"domain", "hostname", "domain|ip", "url", "uri",
		"filename", "email", "email-src", "email-dst", "email-subject",
		"mutex", "regkey", "regkey|value", "AS", "yara", "sigma", "snort":
		return true
	}
	return false
}

// fileHashType splits the hash types: "md5" → ("", md5), "filename|md5" and
// "malware-sample" (filename|md5) → (filename, md5).
func fileHashType(typ string) (withName bool, hash string, ok bool) {
	if typ == "malware-sample" {
		return true, "md5", true
	}
	if h, found := strings.CutPrefix(typ, "filename|"); found {
		_, _, ok := hashAlgo(h)
		return true, h, ok
	}
	_, _, ok = hashAlgo(typ)
	return false, typ, ok
}

// observableOf maps an attribute of an IoC type (isIoC) to its pattern and
// SCOs.
func observableOf(typ, value string, id idFunc) observable {
	v := strings.TrimSpace(value)
	if v == "" {
		return observable{patternErr: "empty value", scoErr: "empty value"}
	}
	if withName, h, ok := fileHashType(typ); ok {
		return fileObservable(withName, h, v, id)
	}
	switch typ {
	case "filename":
		return filenameObservable(value, id)
	case "ip-src", "ip-dst":
		ipType, ip, ok := parseIP(v)
		if !ok {
			return bad(fmt.Sprintf("%s value %q is not an IP address or CIDR block", typ, v))
		}
		return observable{
			pattern:     fmt.Sprintf("[%s:value = %s]", ipType, quote(ip)),
			patternType: "stix",
			scos:        []obj{{"type": ipType, "id": id(ipType, 0), "value": ip}},
		}
	case "ip-src|port", "ip-dst|port", "hostname|port":
		return endpointObservable(typ, v, id)
	case "domain", "hostname":
		o := observable{pattern: fmt.Sprintf("[domain-name:value = %s]", quote(v)), patternType: "stix"}
		if err := checkHostname(v); err != "" {
			o.scoErr = fmt.Sprintf("%s value %q is not a domain name: %s", typ, v, err)
		} else {
			o.scos = []obj{{"type": "domain-name", "id": id("domain-name", 0), "value": v}}
		}
		return o
	case "domain|ip":
		d, ipv, found := strings.Cut(v, "|")
		ipType, ip, ok := parseIP(strings.TrimSpace(ipv))
		d = strings.TrimSpace(d)
		if !found || !ok || d == "" {
			return bad(fmt.Sprintf("domain|ip value %q is not domain|ip", v))
		}
		o := observable{
			pattern: fmt.Sprintf("[domain-name:value = %s AND domain-name:resolves_to_refs[*].value = %s]",
				quote(d), quote(ip)),
			patternType: "stix",
		}
		if err := checkHostname(d); err != "" {
			o.scoErr = fmt.Sprintf("domain|ip value %q: %q is not a domain name: %s", v, d, err)
			return o
		}
		ipID := id(ipType, 1)
		o.scos = []obj{
			{"type": "domain-name", "id": id("domain-name", 0), "value": d, "resolves_to_refs": []string{ipID}},
			{"type": ipType, "id": ipID, "value": ip},
		}
		return o
	case "url", "uri":
		o := observable{pattern: fmt.Sprintf("[url:value = %s]", quote(v)), patternType: "stix"}
		if u, err := url.Parse(v); err != nil || !u.IsAbs() || strings.ContainsAny(v, " \t\r\n") {
			o.scoErr = fmt.Sprintf("%s value %q is not an absolute URL", typ, v)
		} else {
			o.scos = []obj{{"type": "url", "id": id("url", 0), "value": v}}
		}
		return o
	case "email", "email-src", "email-dst":
		path := map[string]string{
			"email":     "email-addr:value",
			"email-src": "email-message:from_ref.value",
			"email-dst": "email-message:to_refs[*].value",
		}[typ]
		o := observable{pattern: fmt.Sprintf("[%s = %s]", path, quote(v)), patternType: "stix"}
		if a, err := mail.ParseAddress(v); err != nil || a.Name != "" || a.Address != v {
			o.scoErr = fmt.Sprintf("%s value %q is not a bare e-mail address", typ, v)
		} else {
			o.scos = []obj{{"type": "email-addr", "id": id("email-addr", 0), "value": v}}
		}
		return o
	case "email-subject":
		return observable{
			pattern:     fmt.Sprintf("[email-message:subject = %s]", quote(value)),
			patternType: "stix",
			scos:        []obj{{"type": "email-message", "id": id("email-message", 0), "is_multipart": false, "subject": value}},
		}
	case "mutex":
		return observable{
			pattern:     fmt.Sprintf("[mutex:name = %s]", quote(value)),
			patternType: "stix",
			scos:        []obj{{"type": "mutex", "id": id("mutex", 0), "name": value}},
		}
	case "regkey", "regkey|value":
		key, data, hasData := v, "", false
		if typ == "regkey|value" {
			key, data, hasData = strings.Cut(v, "|")
			if !hasData {
				return bad(fmt.Sprintf("regkey|value value %q is not key|data", v))
			}
		}
		key = expandHive(strings.TrimSpace(key))
		o := observable{pattern: fmt.Sprintf("[windows-registry-key:key = %s]", quote(key)), patternType: "stix"}
		sco := obj{"type": "windows-registry-key", "id": id("windows-registry-key", 0), "key": key}
		if hasData {
			o.pattern = fmt.Sprintf("[windows-registry-key:key = %s AND windows-registry-key:values[*].data = %s]",
				quote(key), quote(data))
			sco["values"] = []obj{{"data": data}}
		}
		if abbreviatedHive(key) {
			o.scoErr = fmt.Sprintf("registry key %q contains a hive abbreviation, which the STIX windows-registry-key forbids", key)
		} else {
			o.scos = []obj{sco}
		}
		return o
	case "AS":
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(v, "AS"), "as"), 10, 32)
		if err != nil {
			return bad(fmt.Sprintf("AS value %q is not an AS number", v))
		}
		return observable{
			pattern:     fmt.Sprintf("[autonomous-system:number = %d]", n),
			patternType: "stix",
			scos:        []obj{{"type": "autonomous-system", "id": id("autonomous-system", 0), "number": n}},
		}
	case "yara", "sigma", "snort":
		return observable{pattern: value, patternType: typ,
			scoErr: typ + " rules have no STIX Cyber-observable Object"}
	}
	return bad(fmt.Sprintf("MISP type %q has no STIX mapping", typ))
}

func bad(reason string) observable {
	return observable{patternErr: reason, scoErr: reason}
}

// fileObservable maps md5/sha1/sha256/sha512/ssdeep, filename|<hash> and
// malware-sample; filename alone is handled here too (h == "").
func fileObservable(withName bool, h, v string, id idFunc) observable {
	name, digest := "", v
	if withName {
		var found bool
		name, digest, found = strings.Cut(v, "|")
		name, digest = strings.TrimSpace(name), strings.TrimSpace(digest)
		if !found || name == "" || digest == "" {
			return bad(fmt.Sprintf("value %q is not filename|%s", v, h))
		}
	}
	key, hexLen, _ := hashAlgo(h)
	if !validHash(digest, hexLen) {
		return bad(fmt.Sprintf("%q is not a valid %s", digest, key))
	}
	path := "file:hashes." + key
	if strings.Contains(key, "-") {
		path = "file:hashes.'" + key + "'"
	}
	cmp := fmt.Sprintf("%s = %s", path, quote(digest))
	sco := obj{"type": "file", "id": id("file", 0), "hashes": obj{key: digest}}
	if withName {
		cmp = fmt.Sprintf("file:name = %s AND %s", quote(name), cmp)
		sco["name"] = name
	}
	return observable{pattern: "[" + cmp + "]", patternType: "stix", scos: []obj{sco}}
}

// filenameObservable maps the filename type.
func filenameObservable(value string, id idFunc) observable {
	if strings.TrimSpace(value) == "" {
		return bad("empty value")
	}
	return observable{
		pattern:     fmt.Sprintf("[file:name = %s]", quote(value)),
		patternType: "stix",
		scos:        []obj{{"type": "file", "id": id("file", 0), "name": value}},
	}
}

// endpointObservable maps ip-src|port, ip-dst|port and hostname|port to a
// network-traffic pattern, and to a network-traffic SCO referring to the
// address SCO.
func endpointObservable(typ, v string, id idFunc) observable {
	i := strings.LastIndex(v, "|")
	if i < 0 {
		return bad(fmt.Sprintf("%s value %q has no |port", typ, v))
	}
	host, portS := strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:])
	port, err := strconv.ParseUint(portS, 10, 16)
	if err != nil {
		return bad(fmt.Sprintf("%s value %q: port %q is not 0..65535", typ, v, portS))
	}
	side := "dst"
	if typ == "ip-src|port" {
		side = "src"
	}
	var addrType, proto string
	if typ == "hostname|port" {
		if err := checkHostname(host); err != "" {
			return bad(fmt.Sprintf("%s value %q: %q is not a host name: %s", typ, v, host, err))
		}
		addrType, proto = "domain-name", "ipv4"
	} else {
		var ok bool
		addrType, host, ok = parseIP(host)
		if !ok {
			return bad(fmt.Sprintf("%s value %q: %q is not an IP address", typ, v, host))
		}
		proto = strings.TrimSuffix(addrType, "-addr")
	}
	addrID := id(addrType, 1)
	return observable{
		pattern: fmt.Sprintf("[network-traffic:%[1]s_ref.type = %[2]s AND network-traffic:%[1]s_ref.value = %[3]s AND network-traffic:%[1]s_port = %[4]d]",
			side, quote(addrType), quote(host), port),
		patternType: "stix",
		scos: []obj{
			{"type": "network-traffic", "id": id("network-traffic", 0), side + "_ref": addrID, side + "_port": port, "protocols": []string{proto}},
			{"type": addrType, "id": addrID, "value": host},
		},
	}
}

// quote renders s as a STIX pattern string literal: in single quotes, with
// backslash and single quote escaped by a backslash.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// parseIP reads an IPv4 or IPv6 address or CIDR block and returns its SCO
// type and canonical text. IPv4-mapped IPv6 addresses are read as IPv4;
// zoned addresses are refused.
func parseIP(s string) (typ, canon string, ok bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Addr().Zone() != "" {
			return "", "", false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.Addr().Is4() {
			return "ipv4-addr", p.String(), true
		}
		return "ipv6-addr", p.String(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", "", false
	}
	a = a.Unmap()
	if a.Is4() {
		return "ipv4-addr", a.String(), true
	}
	return "ipv6-addr", a.String(), true
}

// checkHostname returns why s is not an ASCII host name (RFC 1123 labels),
// or "". Internationalised names must come as punycode ("xn--…").
func checkHostname(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return "length must be 1..253"
	}
	for _, label := range strings.Split(s, ".") {
		if len(label) < 1 || len(label) > 63 {
			return "each label must be 1..63 characters"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "a label starts or ends with a hyphen"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("invalid character %q", c)
			}
		}
	}
	return ""
}

// validHash reports whether s is a hex digest of hexLen digits, or, for
// hexLen 0 (SSDEEP), fits STIX's SSDEEP form.
func validHash(s string, hexLen int) bool {
	if hexLen == 0 {
		if len(s) < 1 || len(s) > 128 {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/+:.", c) >= 0) {
				return false
			}
		}
		return true
	}
	if len(s) != hexLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// expandHive spells out an abbreviated registry hive, as STIX requires
// ("HKLM\Software" → "HKEY_LOCAL_MACHINE\Software").
func expandHive(key string) string {
	hive, rest, found := strings.Cut(key, `\`)
	full, ok := map[string]string{
		"HKLM": "HKEY_LOCAL_MACHINE",
		"HKCU": "HKEY_CURRENT_USER",
		"HKCR": "HKEY_CLASSES_ROOT",
		"HKU":  "HKEY_USERS",
		"HKCC": "HKEY_CURRENT_CONFIG",
	}[strings.ToUpper(hive)]
	if !ok {
		return key
	}
	if !found {
		return full
	}
	return full + `\` + rest
}

// abbreviatedHive mirrors the OASIS schema's "not" pattern on
// windows-registry-key's key: ^HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku.
func abbreviatedHive(key string) bool {
	if strings.HasPrefix(key, "HKLM") {
		return true
	}
	for _, s := range []string{"HKCC", "HKCR", "HKCU", "HKU", "hklm", "hkcc", "hkcr", "hkcu", "hku"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}
