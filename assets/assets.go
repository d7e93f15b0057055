// Package assets holds the files embedded into every SmartPoint binary:
// translations, default partner definitions, icons and texts.
package assets

import "embed"

// FS is the root of the embedded assets.
//
//go:embed i18n partners/*.json
var FS embed.FS
