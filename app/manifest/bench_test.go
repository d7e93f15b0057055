package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

const benchRows = 100_000

var benchNames = []string{"Иванов Иван Иванович", "Петрова Анна", "Асанов Бакыт", "Jovana Jovanovic", "Смирнов С."}
var benchSizes = []string{"S", "малый", "M", "30x20x10", "КГТ"}

// benchCSV is a realistic Russian Excel export of n rows.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Штрих-код;Номер заказа;ФИО получателя;Телефон;Габариты;Сумма к оплате, руб;Вес, кг;Примечание\r\n")
	for i := range n {
		fmt.Fprintf(&b, "RU%09d;ZK-%d;%s;+7 (999) %03d-%02d-%02d;%s;%d %03d,%02d;%d,%d;%s\r\n",
			i, 100000+i, benchNames[i%len(benchNames)], i%1000, i%100, i%97, benchSizes[i%len(benchSizes)],
			i%50, i%1000, i%100, i%20, i%10, []string{"", "позвонить заранее"}[i%2])
	}
	return b.Bytes()
}

func benchJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"manifest":"MN-1","partner":"Ozon","parcels":[`)
	enc := json.NewEncoder(&b)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		_ = enc.Encode(map[string]any{
			"track": fmt.Sprintf("RU%09d", i), "order_no": fmt.Sprint(100000 + i),
			"recipient_name": benchNames[i%len(benchNames)], "recipient_phone": fmt.Sprintf("+7999%07d", i),
			"size": benchSizes[i%len(benchSizes)], "cod": float64(i%100000) / 100, "currency": "RUB",
			"weight_grams": i % 20000,
		})
	}
	b.WriteString("]}")
	return b.Bytes()
}

func BenchmarkParseCSV(b *testing.B) {
	utf8Data := benchCSV(benchRows)
	cp1251, err := charmap.Windows1251.NewEncoder().Bytes(utf8Data)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("utf-8", func(b *testing.B) { benchParse(b, utf8Data) })
	b.Run("windows-1251", func(b *testing.B) { benchParse(b, cp1251) })
}

func BenchmarkParseJSON(b *testing.B) {
	benchParse(b, benchJSON(benchRows))
}

func benchParse(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sum, err := Parse(bytes.NewReader(data), Options{}, func(Row) error { return nil })
		if err != nil || sum.Rows != benchRows {
			b.Fatalf("rows %d bad %d err %v %+v", sum.Rows, sum.Bad, err, sum.Errors[:min(3, len(sum.Errors))])
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
