package scan

import "testing"

func BenchmarkClassify(b *testing.B) {
	c := defaultClassifier(b)
	codes := []string{
		"RA123456785RU\r\n",                  // S10, scanner suffix
		"12345678*1234",                      // Ozon pickup code
		"87654321-0001-1",                    // Ozon posting
		"1099255990",                         // ambiguous CDEK/DHL
		"10100400123457",                     // Russian Post domestic
		"]C1LP00123456789012",                // Cainiao with AIM prefix
		"CELL-A-1-01",                        // our cell
		"0104601234567890215Ab!cD\x1d93dGVz", // marking
		"КФ123456785КГ",                      // Russian layout
		"8 (912) 345-67-89",                  // phone
		"HELLO-WORLD",                        // unknown
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Classify(codes[i%len(codes)])
	}
}
