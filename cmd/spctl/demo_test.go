package main

import (
	"strings"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/demo"
)

func TestDemoLoadsOnceAsTheOwner(t *testing.T) {
	p := newPoint(t) // 20 cells of 3: too few for 300 demo parcels
	rep := decode(t, p.run("--json", "demo"))
	if rep.OK || rep.Error.Code != "demo.no_room" || rep.Error.Args["Free"] != 60.0 {
		t.Fatalf("demo on 60 places: %+v", rep.Error)
	}
	need := int(rep.Error.Args["Need"].(float64))
	r := p.run("demo")
	if r.code != exitRefused || need <= 60 || !strings.Contains(r.stderr, ru("err.demo.no_room", "Need", need, "Free", 60)) {
		t.Fatalf("demo on 60 places: %v", r)
	}
	if r := p.run("demo", "--parcels", "10"); r.code != exitUsage || !strings.Contains(r.stderr, ru("cli.demo.usage", "Min", demo.MinParcels, "Max", demo.MaxParcels)) {
		t.Fatalf("10 parcels: %v", r)
	}
	p.ok("cells", "generate", "--racks", "C-F", "--shelves", "5", "--cells", "10")

	// Only the owner may.
	p.ok("clerk", "add", "--name", "Динара", "--role", "manager", "--pin", "2580")
	manager := map[string]string{"SMARTPOINT_LANG": "ru", "SMARTPOINT_CLERK": "Динара", "SMARTPOINT_PIN": "2580"}
	if r := spctl(t, manager, "", "--db", p.db, "demo"); r.code != exitRefused || !strings.Contains(r.stderr, ru("err.auth.forbidden")) {
		t.Fatalf("manager: %v", r)
	}

	sum := into[demo.Summary](t, p.ok("--json", "demo", "--parcels", "150", "--seed", "5"))
	if sum.Parcels != 150 || sum.Issued == 0 || sum.OnShelf == 0 || sum.Overdue == 0 || sum.Returned == 0 || sum.Expected == 0 || sum.Shifts != 21 {
		t.Fatalf("summary %+v", sum)
	}

	// A demo parcel is found at the counter by its code.
	found := into[counter.SearchResult](t, p.ok("--json", "parcels", "--limit", "5"))
	if len(found.Parcels) == 0 {
		t.Fatal("no parcels on the shelves after the demo")
	}
	p.ok("shift", "open")
	var look counter.IssueLookup
	for _, x := range found.Parcels {
		if x.Status == counter.StatusStored {
			look = into[counter.IssueLookup](t, p.ok("scan", "--mode", "issue-lookup", x.Track))
			if len(look.Parcels) == 0 || look.By != counter.SearchTrack {
				t.Fatalf("issue lookup of %s: %+v", x.Track, look)
			}
			break
		}
	}
	if look.By == "" {
		t.Fatal("no stored parcel among the first on the shelves")
	}

	// Not twice: the point has parcels now.
	r = p.run("demo")
	if r.code != exitRefused || !strings.Contains(r.stderr, ru("err.demo.not_empty", "Parcels", 150)) {
		t.Fatalf("second demo: %v", r)
	}
	rep = decode(t, p.run("--json", "demo"))
	if rep.OK || rep.Error == nil || rep.Error.Code != "demo.not_empty" {
		t.Fatalf("second demo, JSON: %+v", rep)
	}
}

func TestDemoTextOutput(t *testing.T) {
	// The same seed on two new points: one answers in JSON, the other in
	// text, which must say the same.
	var points [2]*point
	for i := range points {
		points[i] = newPoint(t)
		points[i].ok("cells", "generate", "--racks", "C-F", "--shelves", "5", "--cells", "10")
	}
	day := time.Now().Format(time.DateOnly)
	sum := into[demo.Summary](t, points[0].ok("--json", "demo", "--parcels", "60", "--seed", "9"))
	r := points[1].ok("demo", "--parcels", "60", "--seed", "9")
	if time.Now().Format(time.DateOnly) != day {
		t.Skip("midnight passed between the two loads: their days differ")
	}
	want := strings.Join([]string{
		ru("cli.demo.done", "Parcels", 60, "From", sum.From.Format("02.01.2006"), "To", sum.To.Format("02.01.2006")),
		ru("cli.demo.states", "OnShelf", sum.OnShelf, "Overdue", sum.Overdue, "ToReturn", sum.ToReturn,
			"Boxed", sum.Boxed, "Issued", sum.Issued, "Returned", sum.Returned, "Expected", sum.Expected),
		ru("cli.demo.people", "Customers", sum.Customers, "Handovers", sum.Handovers, "Shifts", sum.Shifts,
			"Partners", strings.Join(sum.Partners, ", ")),
	}, "\n") + "\n"
	if r.stdout != want {
		t.Fatalf("text output:\n%s\nwant:\n%s", r.stdout, want)
	}
}
