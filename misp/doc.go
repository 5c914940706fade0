// Package misp reads MISP events (MISP's JSON core format, and MISP feeds:
// manifest.json plus one <uuid>.json per event) and converts them into
// STIX 2.1 objects, mapping MISP distribution levels and TLP tags to TLP 2.0
// markings.
//
// The package is pure: no I/O beyond the io.Reader or fs.FS it is given,
// and no global mutable state. Conversion is deterministic: the same event
// always gives the same objects with the same ids.
//
// # Reading
//
// ReadEvent accepts {"Event": {...}}, a bare event object, and the REST
// API's {"response": [{"Event": {...}}]}; ReadEvents also takes a response
// list of any length. Numbers and booleans may come as strings. Attributes
// and objects marked "deleted" are left out: MISP keeps them only as
// history. The "data" payload of attachment and malware-sample attributes
// is not read, nor are sighting, proposal, event-report, related-event and
// object-reference data; the owning organisation (Org, as opposed to Orgc,
// the creator) is read but not converted, as it names only the MISP
// instance the event was taken from.
//
// # Markings
//
// Each produced object carries one TLP 2.0 marking-definition id (from
// package stix) in object_marking_refs. The level of an attribute is the
// most restrictive of two levels:
//
//  1. its tag level: the most restrictive TLP tag on the attribute itself,
//     else the most restrictive TLP tag on the event, else none;
//  2. its distribution level: the attribute's distribution; 5 (inherit)
//     defers to its MISP object's distribution, and an object's 5 to the
//     event's distribution. As in MISP, an attribute goes no further than
//     its object and its event: their distributions cap its own.
//
// Without a TLP tag the distribution level alone decides. The event's level
// (for the report and the identity) is likewise the more restrictive of
// its most restrictive TLP tag and its distribution; an event's
// distribution 5, which MISP does not allow, is RED. TLP tags, matched
// without regard to case or surrounding space:
//
//	tag                  level
//	tlp:clear, tlp:white CLEAR
//	tlp:green            GREEN
//	tlp:amber            AMBER
//	tlp:amber+strict     AMBER+STRICT
//	tlp:red              RED
//
// Order of restriction: CLEAR < GREEN < AMBER < AMBER+STRICT < RED.
// Distributions:
//
//	distribution                level
//	0 your organisation only    RED
//	1 this community only       AMBER
//	2 connected communities     GREEN
//	3 all communities           CLEAR
//	4 sharing group             AMBER+STRICT
//	5 inherit event             the object's distribution, then the
//	                            event's (RED for an event)
//	missing or any other value  RED (what we cannot read we do not share)
//
// Level of an attribute, for some tags and distributions:
//
//	TLP tag (own, else event's)  distribution           level
//	none                         0                      RED
//	none                         5, object's 4          AMBER+STRICT
//	none                         5, event's 2           GREEN
//	tlp:green                    0                      RED
//	tlp:clear                    1                      AMBER
//	tlp:red                      3                      RED
//	tlp:amber                    5, event's 3           AMBER
//
// Neither a TLP tag nor a distribution can widen what the other allows
// (tlp:green on an event, distribution 0 on one of its attributes gives
// RED): the distribution is how far the originator let MISP share the
// data, the tag the handling they asked of those who receive it, and
// liaison passes data only to parties both permit. An attribute's own tag
// does replace the event's, in either direction, as the handling its
// author chose for it. Options.Floor raises every level below it to it.
//
// # Objects produced
//
// For one event: a report, an identity for the creating organisation
// (Orgc) when there is one, and for every attribute, the event's own and
// those of its MISP objects alike, the objects below. The report's
// object_refs list every other object produced.
//
//	MISP                  STIX
//	event                 report: id report--<event uuid>, name = info,
//	                      published = publish_timestamp, else date, else
//	                      timestamp; created = date (never after modified),
//	                      modified = timestamp; report_types threat-report;
//	                      labels = the non-TLP event tags and galaxy tags;
//	                      x_misp_event_uuid, x_misp_threat_level_id,
//	                      x_misp_analysis, x_misp_distribution,
//	                      x_misp_published (MISP's numbers as they are)
//	Orgc                  identity: id identity--UUIDv5(Namespace, org uuid)
//	                      (UUIDv5 of "name:"+name for an org without uuid),
//	                      identity_class organization, created = modified =
//	                      1970-01-01T00:00:00.000Z so that every event of an
//	                      organisation gives the same object; created_by_ref
//	                      of the report and every SDO
//	attribute, to_ids     indicator--<attribute uuid> with the pattern below,
//	  and an IoC type     pattern_type stix (yara, sigma, snort rules: their
//	                      own pattern_type, value as the pattern),
//	                      valid_from = the attribute's timestamp
//	attribute, not to_ids the SCO(s) below; the first has id
//	  and an IoC type     <sco type>--<attribute uuid>, the others
//	                      UUIDv5(Namespace, "<type>--<uuid>/<n>")
//	vulnerability         vulnerability--<uuid>, name = value, a "cve"
//	                      external reference when the value is a CVE id
//	text, comment, other  note--<uuid>, content = value, abstract = comment,
//	                      object_refs = the report
//	any other type, or an x-misp-attribute--<uuid>, a custom object keeping
//	  IoC value that does x_misp_value, x_misp_to_ids, x_misp_comment and,
//	  not fit its type    when the value did not fit, x_misp_unmapped_reason
//
// Custom objects were chosen over notes for unmapped types because they keep
// the MISP attribute whole and machine-readable (a note would turn it into
// prose), and liaison passes custom x- types on intact.
//
// Every object made from an attribute records x_misp_attribute_uuid,
// x_misp_type and x_misp_category; inside a MISP object also
// x_misp_object_uuid, x_misp_object_name, x_misp_object_relation,
// x_misp_meta_category and x_misp_object_comment, and SDOs get the label
// "misp-object:<name>". SDOs
// carry the attribute's non-TLP tags as labels and its comment as
// description (x_misp_comment on SCOs, x_misp_tags for their tags). MISP
// attribute uuids that are not RFC 4122 version 1-5 UUIDs, which STIX ids
// require, are replaced by UUIDv5(Namespace, "<type>--<uuid>").
//
// SCO ids are derived from the attribute, not from the SCO's value as STIX
// suggests (a SHOULD): the same address in two MISP attributes may carry
// different markings and contexts, and one shared id would let one overwrite
// the other's marking.
//
// IoC types, their patterns and SCOs (values are quoted with backslash and
// single quote escaped; hashes go under MD5, SHA-1, SHA-256, SHA-512, SSDEEP):
//
//	ip-src, ip-dst       [ipv4-addr:value = '…'] or ipv6-addr by family;
//	                     ipv4-addr / ipv6-addr (CIDR blocks too)
//	ip-src|port,         [network-traffic:src_ref.type = 'ipv4-addr' AND
//	ip-dst|port,          network-traffic:src_ref.value = '…' AND
//	hostname|port         network-traffic:src_port = N] (dst_ for ip-dst and
//	                     hostname); network-traffic (protocols: the address
//	                     family, ipv4 for host names, as MISP does not say)
//	                     referring to an ipv4-addr, ipv6-addr or domain-name
//	domain, hostname     [domain-name:value = '…']; domain-name
//	domain|ip            [domain-name:value = '…' AND
//	                      domain-name:resolves_to_refs[*].value = '…'];
//	                     domain-name resolving to an ipv4-addr / ipv6-addr
//	url, uri             [url:value = '…']; url (absolute URLs only)
//	md5, sha1, sha256,   [file:hashes.MD5 = '…'], [file:hashes.'SHA-256' = '…'];
//	sha512, ssdeep       file with hashes
//	filename             [file:name = '…']; file with name
//	filename|<hash>,     [file:name = '…' AND file:hashes.… = '…'];
//	malware-sample       file with name and hashes (malware-sample is
//	                     filename|md5)
//	email                [email-addr:value = '…']; email-addr
//	email-src            [email-message:from_ref.value = '…']; email-addr
//	email-dst            [email-message:to_refs[*].value = '…']; email-addr
//	email-subject        [email-message:subject = '…']; email-message
//	mutex                [mutex:name = '…']; mutex
//	regkey               [windows-registry-key:key = '…'] with the hive
//	                     spelled out (HKLM → HKEY_LOCAL_MACHINE);
//	                     windows-registry-key
//	regkey|value         … AND windows-registry-key:values[*].data = '…'
//	AS                   [autonomous-system:number = N] ("AS64496" or
//	                     "64496"); autonomous-system
//	yara, sigma, snort   indicator with that pattern_type; no SCO
//
// Values that do not fit their type (an ip-dst that is no address, a hash of
// the wrong length, a non-to_ids url without a scheme or a domain with
// characters a host name may not hold) become x-misp-attribute objects that
// say why: nothing is dropped.
//
// # Feeds and sniffing
//
// ReadFeed iterates over a feed's events, yielding a *FeedError for each
// event it cannot read and going on. IsFeed and LooksLikeEvent let a caller
// tell a MISP feed directory or event file from a STIX bundle.
package misp
