package label

import (
	"fmt"
	"strings"
)

// barcodeSafe are the characters allowed in barcode data besides letters
// and digits. Others are left out on purpose: '"' ends a TSPL string, '^'
// and '~' start ZPL commands, '>' is a ZPL CODE128 invocation code, and
// control characters need code set A, which neither builder selects.
const barcodeSafe = " -.:/+_$%*#"

// maxBarcodeLen keeps a symbol within a 4-inch label at 1 dot per module.
const maxBarcodeLen = 48

func checkBarcodeData(data string) error {
	if data == "" || len(data) > maxBarcodeLen {
		return fmt.Errorf("%w: %q: want 1..%d characters", ErrBarcodeData, data, maxBarcodeLen)
	}
	for _, r := range data {
		ok := r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || strings.ContainsRune(barcodeSafe, r)
		if !ok {
			return fmt.Errorf("%w: %q has %q", ErrBarcodeData, data, r)
		}
	}
	return nil
}

// code128Modules is the width of a CODE128 symbol in modules when it is
// encoded entirely in code set B: start 11 + 11 per character + check 11 +
// stop 13. It is an upper bound: a printer switching to set C for digit
// runs prints a shorter symbol.
func code128Modules(data string) int { return 11*len(data) + 35 }
