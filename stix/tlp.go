package stix

// The official TLP 2.0 marking-definition ids (OASIS cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0), and the TLP 1.0 ids of the
// STIX 2.1 specification, which map onto TLP 2.0 (WHITE is CLEAR).
const (
	TLPClear       = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	TLPGreen       = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	TLPAmber       = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	TLPAmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	TLPRed         = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

	TLP1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	TLP1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	TLP1Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
	TLP1Red   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
)

// TLPLevel returns the TLP 2.0 level ("CLEAR", "GREEN", "AMBER",
// "AMBER+STRICT", "RED") a TLP marking-definition id stands for, and
// whether id is one.
func TLPLevel(id string) (string, bool) {
	switch id {
	case TLPClear, TLP1White:
		return "CLEAR", true
	case TLPGreen, TLP1Green:
		return "GREEN", true
	case TLPAmber, TLP1Amber:
		return "AMBER", true
	case TLPAmberStrict:
		return "AMBER+STRICT", true
	case TLPRed, TLP1Red:
		return "RED", true
	}
	return "", false
}

// TLPID returns the TLP 2.0 marking-definition id of a level, and whether
// level is one.
func TLPID(level string) (string, bool) {
	switch level {
	case "CLEAR", "WHITE":
		return TLPClear, true
	case "GREEN":
		return TLPGreen, true
	case "AMBER":
		return TLPAmber, true
	case "AMBER+STRICT":
		return TLPAmberStrict, true
	case "RED":
		return TLPRed, true
	}
	return "", false
}
