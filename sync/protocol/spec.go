package protocol

import _ "embed"

// Spec is the OpenAPI 3.1 description of this protocol, served at
// PathSpec. A test checks it against the types here.
//
//go:embed openapi.yaml
var Spec []byte
