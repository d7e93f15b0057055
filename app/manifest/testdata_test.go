package manifest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite the generated files in testdata")

// Sources of the testdata files whose encodings are awkward to edit by
// hand. The files are committed; TestGeneratedTestdata keeps them in sync.
const (
	// As Russian Excel saves "CSV (разделители — точка с запятой)".
	ruCP1251Source = "Штрих-код;Номер заказа;ФИО получателя;Телефон;Габариты;Сумма к оплате, руб;Вес, кг;Примечание\r\n" +
		"=\"0012345678\";ZK-1001;Иванов Иван Иванович;+7 (999) 123-45-67;малый;1 234,50;1,5;Позвонить заранее\r\n" +
		"RU 123 456 789;ZK-1002;Петрова Анна;89991234567;30х20х10;0;0,25;\r\n" +
		"ab-777;ZK-1003;\"ООО \"\"Ромашка\"\"\";+7 912 000 11 22;КГТ;15 000;12;\"Этаж 3; домофон 12\"\r\n"

	// As Excel saves "CSV UTF-8 (разделитель — запятая)": with a BOM.
	utf8BOMSource = "Tracking,Order No,Recipient,Phone,Size,COD,Currency,Weight,Comment\r\n" +
		"TRK0001,A-1,John Smith,+381601234567,M,\"1,234.50\",RSD,1500 g,leave at door\r\n" +
		"trk0002,A-2,Марко Марковић,0601234567,L,\"2 500\",din,0.8,\r\n"

	// As Excel saves "Unicode text": UTF-16LE with a BOM, tab-separated.
	srUTF16Source = "Barkod\tPorudžbina\tPrimalac\tTelefon\tVeličina\tOtkupnina\tValuta\tTežina\tNapomena\r\n" +
		"RS100200300\tP-77\tJovana Jovanović\t+381 64 111 2222\tsrednji\t1.234,00\tRSD\t2,5 kg\tđak\r\n" +
		"RS100200301\tP-78\tЂорђе Петровић\t064/222-3333\tвелики\t990\tдин\t700 г\t\r\n"
)

var generated = map[string]func() []byte{
	"ru_cp1251.csv": func() []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(ruCP1251Source))
		if err != nil {
			panic(err)
		}
		return b
	},
	"utf8_bom.csv": func() []byte { return append([]byte("\uFEFF"), utf8BOMSource...) },
	"sr_utf16le.txt": func() []byte {
		enc := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
		b, err := enc.Bytes([]byte(srUTF16Source))
		if err != nil {
			panic(err)
		}
		return b
	},
	// A PNG signature and IHDR chunk followed by compressed-looking bytes.
	"image.png": func() []byte {
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00")
		for i := range 2000 {
			b = append(b, byte(i*131+7))
		}
		return b
	},
}

func TestGeneratedTestdata(t *testing.T) {
	for name, gen := range generated {
		path := filepath.Join("testdata", name)
		want := gen()
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestGeneratedTestdata -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go test -run TestGeneratedTestdata -update", path)
		}
	}
	// Guard against the generator silently producing UTF-8.
	if b := generated["ru_cp1251.csv"](); bytes.Contains(b, []byte("Штрих")) || !strings.Contains(string(b), "\xd8\xf2\xf0\xe8\xf5") {
		t.Error("ru_cp1251.csv is not Windows-1251")
	}
}
