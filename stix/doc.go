// Package stix speaks STIX 2.1: it reads and writes bundles as streams,
// checks objects, maps liaison's products, organisations and markings to
// STIX reports, identities and marking-definitions and back, and carries
// liaison's own handling in one extension-definition.
//
// The package is pure: no I/O beyond the readers and writers it is given.
package stix
