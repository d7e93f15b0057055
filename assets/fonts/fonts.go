// Package fonts holds the typefaces embedded into the binary for images
// the app draws itself (the loyalty card), where no system font can be
// relied on to have Kyrgyz ң ө ү or Serbian č ć š ž đ.
//
// The files are Noto Sans 2.000 under the SIL Open Font License 1.1
// (OFL.txt), which permits bundling them with software.
package fonts

import _ "embed"

// NotoSansRegular and NotoSansBold are the TrueType files as shipped by
// the Noto project; treat them as read-only.
var (
	//go:embed NotoSans-Regular.ttf
	NotoSansRegular []byte
	//go:embed NotoSans-Bold.ttf
	NotoSansBold []byte
)
