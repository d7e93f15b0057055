// Package icon is SmartPoint's application icon: smartpoint.svg is the
// source; png/ holds it rendered at every size the packages need
// (`make icons` regenerates them, scripts/dist/icons checks they are up
// to date).
package icon

import _ "embed"

// PNG is the icon at 256×256: the window and taskbar icon the app sets at
// start-up (the installers use the files in png/ and the SVG).
//
//go:embed png/smartpoint-256.png
var PNG []byte
