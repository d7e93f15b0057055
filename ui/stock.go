package ui

import (
	"image/color"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Stock screen keys.
const (
	keyStockMap   = fyne.KeyF9  // table ⇄ cell map
	keyStockReset = fyne.KeyF10 // clear the filters
)

// stockPageRows is how many rows one fetch reads; stockPagesKept how many
// fetched pages stay in memory (about 2,000 rows, a few screens either way).
const (
	stockPageRows  = 200
	stockPagesKept = 10
)

// stockColumns are the table's columns, in order (stock.col.* keys).
var stockColumns = []struct {
	key   string
	width float32
}{
	{"cell", 90}, {"track", 190}, {"partner", 90}, {"recipient", 300},
	{"status", 130}, {"accepted", 110}, {"deadline", 130}, {"cod", 110},
}

// stockScreen lists every parcel on hand in a virtual table that reads
// the rows page by page as the clerk scrolls, or shows the cells as a map
// of how full they are. A cell label scanned here filters the table to
// that cell; a parcel scanned here is looked up in the table.
type stockScreen struct {
	u      *UI
	banner *banner
	filter counter.StockFilter
	count  int
	cache  *pageCache
	table  *widget.Table
	grid   *widget.GridWrap
	cells  []counter.Cell
	mapOn  bool
	mapB   *widget.Button

	partners  []counter.Partner
	partnerS  *widget.Select
	statusS   *widget.Select
	ageE      *Entry
	cellE     *Entry
	overdueC  *widget.Check
	countL    *widget.Label
	tableView fyne.CanvasObject
	mapView   fyne.CanvasObject
	applying  bool // the filter widgets are being set from code
	obj       fyne.CanvasObject
}

func newStockScreen(u *UI) screen {
	s := &stockScreen{u: u, banner: newBanner(), countL: widget.NewLabel(""), applying: true}
	s.countL.TextStyle.Bold = true
	s.cache = newPageCache(stockPageRows, stockPagesKept, func(offset, limit int) ([]counter.Parcel, error) {
		return u.svc.StockPage(u.ctx, u.sess, s.filter, offset, limit)
	})
	s.banner.show(toneInfo, "", u.T("stock.ready"), u.T("stock.ready_hint"))

	s.partnerS = u.newSelect(nil, func(string) { s.filtersChanged() })
	s.statusS = u.newSelect(nil, func(string) { s.filtersChanged() })
	s.statusS.Options = []string{u.T("stock.all_statuses")}
	for _, st := range counter.OnHandStatuses {
		s.statusS.Options = append(s.statusS.Options, u.T("status."+string(st)))
	}
	s.statusS.SetSelectedIndex(0)
	s.ageE = u.newEntry(u.T("stock.age_placeholder"))
	s.ageE.OnEnter = func(string) { s.filtersChanged() }
	s.ageE.OnChanged = func(t string) {
		if t == "" {
			s.filtersChanged()
		}
	}
	s.cellE = u.newEntry(u.T("stock.cell_placeholder"))
	s.cellE.OnEnter = func(string) { s.filtersChanged() }
	s.cellE.OnChanged = func(t string) {
		if t == "" {
			s.filtersChanged()
		}
	}
	s.overdueC = widget.NewCheck(u.T("stock.overdue_only"), func(bool) { s.filtersChanged() })

	s.buildTable()
	s.buildMap()
	s.mapB = widget.NewButton("", s.toggleMap)
	reset := widget.NewButton(string(keyStockReset)+" "+u.T("stock.reset"), s.resetFilters)
	filters := container.NewHBox(
		widget.NewLabel(u.T("stock.partner")), container.NewGridWrap(fyne.NewSize(190, s.partnerS.MinSize().Height), s.partnerS),
		widget.NewLabel(u.T("stock.status")), container.NewGridWrap(fyne.NewSize(170, s.statusS.MinSize().Height), s.statusS),
		container.NewGridWrap(fyne.NewSize(150, s.ageE.MinSize().Height), s.ageE),
		container.NewGridWrap(fyne.NewSize(170, s.cellE.MinSize().Height), s.cellE),
		s.overdueC)
	bar := container.NewHBox(s.countL, layout.NewSpacer(), s.mapB, reset)
	s.mapView.Hide()
	s.obj = container.NewBorder(container.NewVBox(s.banner.obj, container.NewHScroll(filters), bar), nil, nil, nil,
		container.NewStack(s.tableView, s.mapView))
	s.paintMapButton()
	s.applying = false
	return s
}

func (s *stockScreen) view() fyne.CanvasObject { return s.obj }

// shown refreshes what may have changed elsewhere: partners, the count
// and the rows, the map.
func (s *stockScreen) shown() {
	s.loadPartners()
	_ = s.reload()
}

func (s *stockScreen) key(n fyne.KeyName) bool {
	switch n {
	case keyStockMap:
		s.toggleMap()
	case keyStockReset:
		s.resetFilters()
	default:
		return false
	}
	return true
}

// back clears the filters first, then leaves the screen.
func (s *stockScreen) back() bool {
	if s.filter == (counter.StockFilter{}) {
		return false
	}
	s.resetFilters()
	return true
}

func (s *stockScreen) loadPartners() {
	u := s.u
	ps, err := u.svc.Partners(u.ctx)
	if err != nil {
		u.log.Warn("partners unreadable", "err", err)
	}
	s.partners = s.partners[:0]
	opts := []string{u.T("stock.all_partners")}
	sel := 0
	for _, p := range ps {
		if !p.Active {
			continue
		}
		s.partners = append(s.partners, p)
		opts = append(opts, p.Name)
		if p.Code == s.filter.Partner {
			sel = len(opts) - 1
		}
	}
	s.applying = true
	s.partnerS.Options = opts
	s.partnerS.SetSelectedIndex(sel)
	s.applying = false
}

// filtersChanged reads the filter widgets into the filter and reloads.
func (s *stockScreen) filtersChanged() {
	if s.applying {
		return
	}
	u := s.u
	f := counter.StockFilter{Overdue: s.overdueC.Checked}
	if i := s.partnerS.SelectedIndex(); i > 0 && i <= len(s.partners) {
		f.Partner = s.partners[i-1].Code
	}
	if i := s.statusS.SelectedIndex(); i > 0 {
		f.Status = counter.OnHandStatuses[i-1]
	}
	if t := strings.TrimSpace(s.ageE.Text); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			s.banner.show(toneWarn, "", u.T("stock.bad_age", "Value", t), u.T("stock.bad_age_hint"))
			return
		}
		f.MinAgeDays = n
	}
	f.Cell = strings.ToUpper(strings.TrimSpace(s.cellE.Text))
	s.filter = f
	_ = s.reload() // an error is on the banner
}

// reload recounts the rows for the filter and drops the fetched pages.
// A cell typed without its last part ("A", "A-2") is taken as a prefix.
func (s *stockScreen) reload() error {
	u := s.u
	if u.sess == nil {
		return nil
	}
	n, err := u.svc.StockCount(u.ctx, u.sess, s.filter)
	if errs.Has(err, counter.ErrCellUnknown) && s.filter.Cell != "" && !strings.HasSuffix(s.filter.Cell, "-") {
		s.filter.Cell += "-"
		n, err = u.svc.StockCount(u.ctx, u.sess, s.filter)
		if err != nil {
			s.filter.Cell = strings.TrimSuffix(s.filter.Cell, "-")
		}
	}
	s.cache.reset()
	if err != nil {
		s.count = 0
		s.banner.show(toneWarn, "", u.Err(err), u.T("stock.filter_hint"))
	} else {
		s.count = n
	}
	s.countL.SetText(u.p.N("stock.count", s.count))
	s.table.UnselectAll()
	s.table.ScrollToTop()
	s.table.Refresh()
	if s.mapOn {
		s.loadCells()
	}
	return err
}

func (s *stockScreen) resetFilters() {
	s.applying = true
	s.partnerS.SetSelectedIndex(0)
	s.statusS.SetSelectedIndex(0)
	s.ageE.SetText("")
	s.cellE.SetText("")
	s.overdueC.SetChecked(false)
	s.applying = false
	s.filter = counter.StockFilter{}
	s.banner.show(toneInfo, "", s.u.T("stock.ready"), s.u.T("stock.ready_hint"))
	_ = s.reload()
}

// setCell filters the table to one cell (a scan, or a tap on the map).
func (s *stockScreen) setCell(label string) error {
	s.applying = true
	s.cellE.SetText(label)
	s.applying = false
	s.filter.Cell = label
	if s.mapOn {
		s.toggleMap()
	}
	return s.reload()
}

func (s *stockScreen) buildTable() {
	u := s.u
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return s.count, len(stockColumns) },
		func() fyne.CanvasObject {
			// canvas.Text, not a Label: a Label measures and truncates on
			// every SetText, which made a scroll step cost ~10× more.
			t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
			t.TextSize = theme.TextSize()
			return container.NewPadded(t)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			s.fillCell(id, o.(*fyne.Container).Objects[0].(*canvas.Text))
		})
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		return l
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(stockColumns) {
			o.(*widget.Label).SetText(u.T("stock.col." + stockColumns[id.Col].key))
		}
	}
	for i, c := range stockColumns {
		s.table.SetColumnWidth(i, c.width)
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		if p := s.cache.peek(id.Row); p != nil {
			s.banner.show(toneInfo, p.Cell, u.T("stock.row", "Track", p.Track, "Status", u.T("status."+string(p.Status))), u.maskedLine(*p))
		}
	}
	s.tableView = s.table
}

// fillCell binds one table cell; its row's page is fetched if needed.
func (s *stockScreen) fillCell(id widget.TableCellID, l *canvas.Text) {
	u := s.u
	color := theme.Color(theme.ColorNameForeground)
	p, err := s.cache.row(id.Row)
	if err != nil || p == nil {
		if err != nil {
			u.log.Warn("stock page", "err", err)
		}
		setCellText(l, "…", color, 0)
		return
	}
	text := ""
	switch stockColumns[id.Col].key {
	case "cell":
		text = p.Cell
	case "track":
		text = p.Track
	case "partner":
		text = p.Partner
	case "recipient":
		text = strings.TrimSpace(p.RecipientName + " " + p.RecipientPhone)
	case "status":
		text = u.T("status." + string(p.Status))
	case "accepted":
		if !p.AcceptedAt.IsZero() {
			text = u.day(p.AcceptedAt)
		}
	case "deadline":
		if !p.DeadlineAt.IsZero() {
			text = u.day(p.DeadlineAt)
		}
		if p.Overdue(u.svc.Now()) {
			text = "⚠ " + text
			color = theme.Color(theme.ColorNameWarning)
		}
	case "cod":
		if p.CODAmount > 0 {
			text = moneyText(p.CODAmount, p.Currency)
		}
	}
	setCellText(l, text, color, stockColumns[id.Col].width)
}

// setCellText shows text cut to about what fits width (0: as is); it
// refreshes only what changed.
func setCellText(l *canvas.Text, text string, c color.Color, width float32) {
	if width > 0 {
		// An average glyph is about half the text size wide.
		if limit := int(width/(l.TextSize*0.55)) - 1; limit > 1 && utf8.RuneCountInString(text) > limit {
			text = string([]rune(text)[:limit-1]) + "…"
		}
	}
	if l.Text == text && l.Color == c {
		return
	}
	l.Text, l.Color = text, c
	l.Refresh()
}

// Cell map fill levels, for colours and the legend (stock.fill.* keys).
const (
	fillEmpty = iota
	fillPart
	fillFull
	fillOver
)

var fillNames = []string{"empty", "part", "full", "over"}

func fillOf(c counter.Cell) int {
	switch {
	case c.Occupied == 0:
		return fillEmpty
	case c.Occupied > c.Capacity:
		return fillOver
	case c.Occupied == c.Capacity:
		return fillFull
	}
	return fillPart
}

func fillColor(level int) color.Color {
	switch level {
	case fillPart:
		return toneColor(toneOK)
	case fillFull:
		return toneColor(toneWarn)
	case fillOver:
		return toneColor(toneError)
	}
	return color.NRGBA{0x78, 0x78, 0x78, 0xff}
}

func (s *stockScreen) buildMap() {
	s.grid = widget.NewGridWrap(
		func() int { return len(s.cells) },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(fillColor(fillEmpty))
			bg.SetMinSize(fyne.NewSize(96, 52))
			label := canvas.NewText("A-1-01", toneText)
			label.TextStyle.Bold = true
			label.Alignment = fyne.TextAlignCenter
			fill := canvas.NewText("0/0", toneText)
			fill.Alignment = fyne.TextAlignCenter
			return container.NewStack(bg, container.NewVBox(label, fill))
		},
		func(i widget.GridWrapItemID, o fyne.CanvasObject) {
			if i >= len(s.cells) {
				return
			}
			c := s.cells[i]
			st := o.(*fyne.Container)
			bg := st.Objects[0].(*canvas.Rectangle)
			texts := st.Objects[1].(*fyne.Container).Objects
			bg.FillColor = fillColor(fillOf(c))
			if !c.Active {
				bg.FillColor = color.NRGBA{0x40, 0x40, 0x40, 0xff}
			}
			bg.Refresh()
			label, fill := texts[0].(*canvas.Text), texts[1].(*canvas.Text)
			label.Text = c.Label
			label.Refresh()
			fill.Text = strconv.Itoa(c.Occupied) + "/" + strconv.Itoa(c.Capacity)
			fill.Refresh()
		})
	s.grid.OnSelected = func(i widget.GridWrapItemID) {
		s.grid.UnselectAll()
		if i < len(s.cells) {
			_ = s.setCell(s.cells[i].Label)
		}
	}
	legend := container.NewHBox(widget.NewLabel(s.u.T("stock.legend")))
	for level, name := range fillNames {
		sw := canvas.NewRectangle(fillColor(level))
		sw.SetMinSize(fyne.NewSize(24, 24))
		legend.Add(container.NewCenter(sw))
		legend.Add(widget.NewLabel(s.u.T("stock.fill." + name)))
	}
	s.mapView = container.NewBorder(legend, nil, nil, nil, s.grid)
}

func (s *stockScreen) loadCells() {
	cells, err := s.u.svc.Cells(s.u.ctx)
	if err != nil {
		s.banner.show(toneError, "", s.u.Err(err), "")
		return
	}
	s.cells = cells
	s.grid.Refresh()
}

func (s *stockScreen) toggleMap() {
	s.mapOn = !s.mapOn
	if s.mapOn {
		s.loadCells()
		s.tableView.Hide()
		s.mapView.Show()
	} else {
		s.mapView.Hide()
		s.tableView.Show()
	}
	s.paintMapButton()
}

func (s *stockScreen) paintMapButton() {
	if s.mapOn {
		s.mapB.SetText(string(keyStockMap) + " " + s.u.T("stock.show_table"))
	} else {
		s.mapB.SetText(string(keyStockMap) + " " + s.u.T("stock.show_map"))
	}
}

// scan: a cell label filters the table to it; a parcel is found in the
// table (scrolled to and selected) or, outside the filter, described.
func (s *stockScreen) scan(raw string, manual bool) {
	u := s.u
	res := u.svc.Classify(raw)
	if res.Kind == scan.KindCell {
		if err := s.setCell(res.Value); err != nil {
			u.feedback(s.banner, toneError, "", u.Err(err), u.T("stock.filter_hint"))
			return
		}
		u.feedback(s.banner, toneOK, res.Value, u.p.N("stock.cell_filtered", s.count, "Cell", res.Value), u.T("stock.cell_filtered_hint"))
		return
	}
	found, err := u.svc.Search(u.ctx, u.sess, raw, 5)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	if len(found.Parcels) == 0 {
		u.feedback(s.banner, toneWarn, "", u.T("stock.not_found", "Code", raw), u.T("stock.not_found_hint"))
		return
	}
	p := found.Parcels[0]
	row, ok, err := u.svc.StockIndex(u.ctx, u.sess, s.filter, p.ID)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	status := u.T("status." + string(p.Status))
	if !ok {
		u.feedback(s.banner, toneWarn, p.Cell, u.T("stock.outside_filter", "Track", p.Track, "Status", status), u.parcelLine(p))
		return
	}
	if s.mapOn {
		s.toggleMap()
	}
	// ScrollTo leaves a row scrolled down to at the bottom edge, half
	// hidden: show a few rows past it, then make sure it is not above.
	s.table.ScrollTo(widget.TableCellID{Row: min(row+3, s.count-1), Col: 0})
	s.table.ScrollTo(widget.TableCellID{Row: max(row-1, 0), Col: 0})
	s.table.Select(widget.TableCellID{Row: row, Col: 0})
	u.feedback(s.banner, toneOK, p.Cell, u.T("stock.found_row", "Track", p.Track, "Row", row+1, "Status", status), u.parcelLine(p))
}

// pageCache holds the last few pages of a long list read on demand.
type pageCache struct {
	size, keep int
	load       func(offset, limit int) ([]counter.Parcel, error)
	pages      map[int][]counter.Parcel
	order      []int // page numbers, least recently used first
	fetches    int   // pages read since the start (for the benchmark)
}

func newPageCache(size, keep int, load func(offset, limit int) ([]counter.Parcel, error)) *pageCache {
	return &pageCache{size: size, keep: keep, load: load, pages: map[int][]counter.Parcel{}}
}

func (c *pageCache) reset() {
	clear(c.pages)
	c.order = c.order[:0]
}

// peek returns row i if its page is in memory.
func (c *pageCache) peek(i int) *counter.Parcel {
	page, ok := c.pages[i/c.size]
	if !ok || i%c.size >= len(page) {
		return nil
	}
	return &page[i%c.size]
}

// row returns row i, reading its page if needed and dropping the least
// recently used page beyond keep. nil: past the end of the list.
func (c *pageCache) row(i int) (*counter.Parcel, error) {
	n := i / c.size
	if _, ok := c.pages[n]; !ok {
		page, err := c.load(n*c.size, c.size)
		if err != nil {
			return nil, err
		}
		c.fetches++
		c.pages[n] = page
		c.order = append(c.order, n)
		if len(c.order) > c.keep {
			delete(c.pages, c.order[0])
			c.order = c.order[1:]
		}
	} else if last := len(c.order) - 1; c.order[last] != n {
		for j, m := range c.order {
			if m == n {
				copy(c.order[j:], c.order[j+1:])
				c.order[last] = n
				break
			}
		}
	}
	return c.peek(i), nil
}

// maskedLine is parcelLine for a parcel whose phone is already masked.
func (u *UI) maskedLine(p counter.Parcel) string {
	line := u.T("parcel.line", "Partner", p.Partner, "Name", p.RecipientName, "Phone", p.RecipientPhone)
	if !p.DeadlineAt.IsZero() {
		line += " · " + u.T("parcel.deadline", "Date", u.day(p.DeadlineAt))
	}
	if p.CODAmount > 0 {
		line += " · " + u.T("parcel.cod", "Amount", moneyText(p.CODAmount, p.Currency))
	}
	return line
}
