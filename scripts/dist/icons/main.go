// Command icons renders the application icon, assets/icon/smartpoint.svg,
// to the PNG sizes the packages need (assets/icon/png/smartpoint-<N>.png:
// the Linux hicolor theme and the window icon) and to
// assets/icon/smartpoint.ico (the exe's icon through go-winres, the NSIS
// installer's and the MSI's). The PNGs are committed so that builds need no SVG tool;
// `make icons` runs this after the SVG changes and the test in this
// directory fails while they are out of date.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	svgPath := flag.String("svg", "assets/icon/smartpoint.svg", "the icon's SVG source")
	outDir := flag.String("out", "assets/icon/png", "directory for smartpoint-<N>.png")
	icoPath := flag.String("ico", "assets/icon/smartpoint.ico", "the Windows icon to write")
	flag.Parse()
	log.SetFlags(0)
	svg, err := os.ReadFile(*svgPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}
	pngs := map[int][]byte{}
	for _, n := range Sizes {
		img, err := render(svg, n)
		if err != nil {
			log.Fatalf("%s: %v", *svgPath, err)
		}
		data, err := encodePNG(img)
		if err != nil {
			log.Fatal(err)
		}
		pngs[n] = data
		name := filepath.Join(*outDir, pngName(n))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println(name)
	}
	ico, err := encodeICO(pngs)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*icoPath, ico, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println(*icoPath)
}

func pngName(n int) string { return fmt.Sprintf("smartpoint-%d.png", n) }
