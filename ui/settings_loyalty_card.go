package ui

import (
	"image"
	"image/color"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
)

// Preview sizes: the live preview at 40 % (432×272, beside the form at
// 1366×768) and the sample stamps it shows, so the owner sees filled and
// empty ones.
const (
	previewScale  = 0.4
	previewStamps = 3
)

// palette is a ready colour set for the card; every one passes the
// card's contrast check.
type cardPalette struct{ key, bg, fg, accent string }

var cardPalettes = []cardPalette{
	{"navy", "#1F3A5F", "#FFFFFF", "#F5B700"},
	{"forest", "#1B4332", "#FFFFFF", "#95D5B2"},
	{"berry", "#6A1B4D", "#FFFFFF", "#FFB4A2"},
	{"graphite", "#222831", "#EEEEEE", "#00ADB5"},
	{"paper", "#F7F3E9", "#222222", "#C0392B"},
}

// cardForm is the card designer: texts, colours, images, the stamp shape.
// The images and the stamp count live in design; the texts in the fields.
type cardForm struct {
	design loyaltycard.Design

	title, subtitle, bg, fg, accent, reward, terms *Entry
	logoPath, stampPath                            *Entry
	swatch                                         map[*Entry]*canvas.Rectangle
	icon                                           *keySelect
	logoInfo, stampInfo, stamps                    *widget.Label
	buttons                                        []fyne.Disableable

	preview  *canvas.Image
	caption  *widget.Label
	previewE *widget.Label // why the preview did not follow the last change
	saveB    *keyButton
	exportB  *keyButton
	resetB   *keyButton
}

func (p *loyaltyPage) cardView() fyne.CanvasObject {
	u, c := p.u, &p.card
	changed := func(string) { p.refreshPreview() }
	entry := func(placeholder string) *Entry {
		e := u.newEntry(placeholder)
		e.OnChanged = changed
		return e
	}
	c.title = entry(u.T("loyaltycard.default_title"))
	c.subtitle = entry(u.point.Name)
	c.swatch = map[*Entry]*canvas.Rectangle{}
	colour := func() (*Entry, fyne.CanvasObject) {
		e := entry("#RRGGBB")
		sw := canvas.NewRectangle(color.Transparent)
		sw.StrokeColor, sw.StrokeWidth, sw.CornerRadius = color.Gray{Y: 0x80}, 1, 4
		sw.SetMinSize(fyne.NewSize(36, 36))
		c.swatch[e] = sw
		e.OnChanged = func(string) {
			paintSwatch(sw, e.Text)
			p.refreshPreview()
		}
		return e, container.NewBorder(nil, nil, nil, container.NewCenter(sw), e)
	}
	var bgRow, fgRow, accentRow fyne.CanvasObject
	c.bg, bgRow = colour()
	c.fg, fgRow = colour()
	c.accent, accentRow = colour()
	var presets []fyne.CanvasObject
	for _, pl := range cardPalettes {
		b := u.newKeyButton(u.T("loyaltydesign.palette."+pl.key), func() {
			c.bg.SetText(pl.bg)
			c.fg.SetText(pl.fg)
			c.accent.SetText(pl.accent)
		})
		c.buttons = append(c.buttons, b)
		presets = append(presets, b)
	}

	c.logoPath = u.newEntry(u.T("loyaltydesign.path_example"))
	c.logoPath.OnEnter = func(string) { p.loadLogoFile() }
	logoLoad := u.newKeyButton(u.T("loyaltydesign.load"), p.loadLogoFile)
	logoBrowse := u.newKeyButton("…", func() { p.browse(c.logoPath, p.loadLogoFile) })
	logoRemove := u.newKeyButton(u.T("loyaltydesign.logo_remove"), p.removeLogo)
	c.logoInfo = widget.NewLabel("")

	var iconNames []string
	for _, ic := range loyaltycard.Icons {
		iconNames = append(iconNames, u.T("loyaltydesign.icon."+string(ic)))
	}
	iconNames = append(iconNames, u.T("loyaltydesign.icon.custom"))
	c.icon = u.newKeySelect(iconNames, changed)
	c.stampPath = u.newEntry(u.T("loyaltydesign.path_example"))
	c.stampPath.OnEnter = func(string) { p.loadStampFile() }
	stampLoad := u.newKeyButton(u.T("loyaltydesign.load"), p.loadStampFile)
	stampBrowse := u.newKeyButton("…", func() { p.browse(c.stampPath, p.loadStampFile) })
	c.stampInfo = widget.NewLabel("")
	c.stamps = widget.NewLabel("")
	c.stamps.Wrapping = fyne.TextWrapWord
	c.reward = entry(u.T("loyaltycard.default_reward"))
	c.terms = entry(u.T("loyaltycard.default_terms"))
	c.terms.MultiLine = true
	c.terms.Wrapping = fyne.TextWrapWord
	c.terms.SetMinRowsVisible(2)
	c.buttons = append(c.buttons, logoLoad, logoBrowse, logoRemove, stampLoad, stampBrowse)

	file := func(path *Entry, buttons ...fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), path)
	}
	form := widget.NewForm(
		widget.NewFormItem(u.T("loyaltydesign.title"), c.title),
		widget.NewFormItem(u.T("loyaltydesign.subtitle"), c.subtitle),
		widget.NewFormItem(u.T("loyaltydesign.palette"), container.NewGridWithColumns(3, presets...)),
		widget.NewFormItem(u.T("loyaltydesign.background"), bgRow),
		widget.NewFormItem(u.T("loyaltydesign.foreground"), fgRow),
		widget.NewFormItem(u.T("loyaltydesign.accent"), accentRow),
		&widget.FormItem{Text: u.T("loyaltydesign.logo"), Widget: container.NewVBox(file(c.logoPath, logoLoad, logoBrowse), container.NewBorder(nil, nil, nil, logoRemove, c.logoInfo)),
			HintText: u.T("loyaltydesign.image_hint", "KB", loyaltycard.MaxImageBytes/1024, "Px", loyaltycard.MaxImagePixels)},
		widget.NewFormItem(u.T("loyaltydesign.icon"), c.icon),
		&widget.FormItem{Text: u.T("loyaltydesign.stamp_image"), Widget: container.NewVBox(file(c.stampPath, stampLoad, stampBrowse), c.stampInfo),
			HintText: u.T("loyaltydesign.stamp_image_hint")},
		widget.NewFormItem(u.T("loyaltydesign.stamps"), c.stamps),
		widget.NewFormItem(u.T("loyaltydesign.card_reward"), c.reward),
		widget.NewFormItem(u.T("loyaltydesign.terms"), c.terms),
	)
	return container.NewVBox(bold(u.T("loyaltydesign.card_title")), wrapped(u.T("loyaltydesign.card_hint")), form)
}

// previewView is the right column: the card as a customer will see it,
// and the design's buttons.
func (p *loyaltyPage) previewView() fyne.CanvasObject {
	u, c := p.u, &p.card
	w, h := float32(loyaltycard.BaseWidth*previewScale), float32(loyaltycard.BaseHeight*previewScale)
	c.preview = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, int(w), int(h))))
	c.preview.FillMode = canvas.ImageFillContain
	c.preview.ScaleMode = canvas.ImageScalePixels
	c.preview.SetMinSize(fyne.NewSize(w, h))
	c.caption = widget.NewLabel("")
	c.caption.Importance = widget.LowImportance
	c.caption.Wrapping = fyne.TextWrapWord
	c.previewE = widget.NewLabel("")
	c.previewE.Importance = widget.DangerImportance
	c.previewE.Wrapping = fyne.TextWrapWord
	c.previewE.Hide()
	c.saveB = u.newKeyButton(u.T("loyaltydesign.design_save"), p.saveDesign)
	c.exportB = u.newKeyButton(u.T("loyaltydesign.export"), p.exportPNG)
	c.resetB = u.newKeyButton(u.T("loyaltydesign.reset"), p.askReset)
	col := container.NewVBox(bold(u.T("loyaltydesign.preview")), c.preview, c.previewE, p.rules.saveB,
		container.NewGridWithColumns(2, c.saveB, c.exportB), c.resetB, c.caption)
	// The column is as wide as the card; the texts under it wrap.
	return container.NewVScroll(col)
}

// fill shows design d.
func (c *cardForm) fill(p *loyaltyPage, d loyaltycard.Design) {
	was := p.loading
	p.loading = true
	c.design = d
	c.title.SetText(d.Title)
	c.subtitle.SetText(d.Subtitle)
	c.bg.SetText(d.Background)
	c.fg.SetText(d.Foreground)
	c.accent.SetText(d.Accent)
	if d.StampIcon == loyaltycard.IconCustom {
		c.icon.SetSelectedIndex(len(loyaltycard.Icons))
	} else {
		c.icon.SetSelectedIndex(max(0, slices.Index(loyaltycard.Icons, d.StampIcon)))
	}
	c.reward.SetText(d.Reward)
	c.terms.SetText(d.Terms)
	c.showImages(p)
	p.loading = was
	p.refreshPreview()
}

func (c *cardForm) showImages(p *loyaltyPage) {
	u := p.u
	if len(c.design.Logo) == 0 {
		c.logoInfo.SetText(u.T("loyaltydesign.logo_none"))
	} else {
		c.logoInfo.SetText(u.T("loyaltydesign.image_loaded", "KB", kbText(len(c.design.Logo))))
	}
	if len(c.design.StampImage) == 0 {
		c.stampInfo.SetText(u.T("loyaltydesign.stamp_image_none"))
	} else {
		c.stampInfo.SetText(u.T("loyaltydesign.image_loaded", "KB", kbText(len(c.design.StampImage))))
	}
}

func kbText(n int) string { return strconv.Itoa((n + 1023) / 1024) }

// design is the card as the form shows it. A stamp card has as many
// stamps as the rules above ask (within what a card can draw).
func (c *cardForm) current(p *loyaltyPage) loyaltycard.Design {
	d := c.design
	d.Title, d.Subtitle = c.title.Text, c.subtitle.Text
	d.Background, d.Foreground, d.Accent = colourText(c.bg.Text), colourText(c.fg.Text), colourText(c.accent.Text)
	d.StampIcon = loyaltycard.IconCustom
	if i := c.icon.SelectedIndex(); i >= 0 && i < len(loyaltycard.Icons) {
		d.StampIcon = loyaltycard.Icons[i]
	}
	d.Reward, d.Terms = c.reward.Text, c.terms.Text
	if p.rules.kindValue() == loyalty.KindStamp {
		if n, err := strconv.Atoi(strings.TrimSpace(p.rules.perReward.Text)); err == nil && n > 0 {
			d.Stamps = max(loyaltycard.MinStamps, min(n, loyaltycard.MaxStamps))
		}
	}
	return d
}

// colourText accepts "1f3a5f" for "#1F3A5F": the card wants six hex
// digits after #.
func colourText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 6 && !strings.HasPrefix(s, "#") {
		s = "#" + s
	}
	return strings.ToUpper(s)
}

// paintSwatch shows a typed colour; an unreadable one leaves an empty frame.
func paintSwatch(sw *canvas.Rectangle, text string) {
	sw.FillColor = color.Transparent
	if c, ok := hexColour(colourText(text)); ok {
		sw.FillColor = c
	}
	sw.Refresh()
}

func hexColour(s string) (color.RGBA, bool) {
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, true
}

// sample is what the preview and the exported sample show: a partly
// stamped card (a points card: a sample balance) with the placeholder code.
func (p *loyaltyPage) sample(d loyaltycard.Design, scale float64) loyaltycard.CardState {
	st := loyaltycard.CardState{CustomerName: p.u.T("loyaltydesign.sample_name"), Scale: scale}
	if p.rules.kindValue() == loyalty.KindStamp {
		st.Stamps = min(previewStamps, d.Stamps-1)
	} else {
		st.Points = p.u.p.N("loyalty.counter.points", previewPoints)
	}
	return st
}

// previewPoints is the sample balance of a points card's preview.
const previewPoints = 1250

// refreshPreview draws the card again after a change. A design that does
// not validate keeps the last good picture and says what is wrong under it.
func (p *loyaltyPage) refreshPreview() {
	c, u := &p.card, p.u
	if p.loading || c.preview == nil {
		return
	}
	d := c.current(p)
	if p.rules.kindValue() == loyalty.KindStamp {
		c.stamps.SetText(u.T("loyaltydesign.stamps_from_rules", "Stamps", d.Stamps,
			"Min", loyaltycard.MinStamps, "Max", loyaltycard.MaxStamps))
	} else {
		c.stamps.SetText(u.T("loyaltydesign.stamps_points"))
	}
	st := p.sample(d, previewScale)
	img, err := loyaltycard.Render(d, st)
	if err != nil {
		c.previewE.SetText(c.problem(p, err).detail)
		c.previewE.Show()
		return
	}
	c.previewE.Hide()
	c.preview.Image = img
	c.preview.Refresh()
	if p.rules.kindValue() == loyalty.KindStamp {
		c.caption.SetText(u.T("loyaltydesign.preview_stamps", "Filled", st.Stamps, "Stamps", d.Stamps))
	} else {
		c.caption.SetText(u.T("loyaltydesign.preview_points"))
	}
}

// problem words a refused design with the field it names.
func (c *cardForm) problem(p *loyaltyPage, err error) *formProblem {
	u := p.u
	return p.errProblem(err, func(field string) (string, fyne.Focusable) {
		switch field {
		case "title":
			return u.T("loyaltydesign.title"), c.title
		case "subtitle":
			return u.T("loyaltydesign.subtitle"), c.subtitle
		case "background":
			return u.T("loyaltydesign.background"), c.bg
		case "foreground":
			return u.T("loyaltydesign.foreground"), c.fg
		case "accent":
			return u.T("loyaltydesign.accent"), c.accent
		case "logo":
			return u.T("loyaltydesign.logo"), c.logoPath
		case "stamp_icon":
			return u.T("loyaltydesign.icon"), c.icon
		case "stamp_image":
			return u.T("loyaltydesign.stamp_image"), c.stampPath
		case "stamps":
			return u.T("loyaltydesign.stamps"), p.rules.perReward
		case "reward":
			return u.T("loyaltydesign.card_reward"), c.reward
		case "terms":
			return u.T("loyaltydesign.terms"), c.terms
		}
		return "", nil
	})
}

func (c *cardForm) enable(on bool) {
	for _, d := range []fyne.Disableable{c.title, c.subtitle, c.bg, c.fg, c.accent, c.logoPath, c.stampPath,
		c.icon, c.reward, c.terms, c.saveB, c.resetB} {
		enableIf(d, on)
	}
	for _, b := range c.buttons {
		enableIf(b, on)
	}
}

// --- images ---

// readImage reads at most one byte more than a card image may have, so a
// wrong file (a photo, a video) is refused without reading it all.
func readImage(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, loyaltycard.MaxImageBytes+1))
}

func (p *loyaltyPage) readPath(path *Entry) ([]byte, bool) {
	u := p.u
	name := strings.Trim(strings.TrimSpace(path.Text), `"'`)
	if name == "" {
		p.s.note(toneWarn, u.T("loyaltydesign.path_needed"), "")
		u.beep(toneWarn)
		u.win.Canvas().Focus(path)
		return nil, false
	}
	f, err := os.Open(name)
	if err != nil {
		u.log.Warn("card image unreadable", "path", name, "err", err)
		p.refuse("loyaltydesign.image_not_loaded", &formProblem{detail: u.T("loyaltydesign.file_unreadable", "Path", name), focus: path})
		return nil, false
	}
	defer f.Close()
	data, err := readImage(f)
	if err != nil {
		u.log.Warn("card image unreadable", "path", name, "err", err)
		p.refuse("loyaltydesign.image_not_loaded", &formProblem{detail: u.T("loyaltydesign.file_unreadable", "Path", name), focus: path})
		return nil, false
	}
	return data, true
}

// checkImage tries an image on the default card, so only the image's own
// problem (not an unrelated field being typed) decides.
func (p *loyaltyPage) checkImage(logo bool, data []byte) error {
	d := loyaltycard.DefaultDesign("", p.u.p.L)
	if logo {
		d.Logo = data
	} else {
		d.StampIcon, d.StampImage = loyaltycard.IconCustom, data
	}
	return d.Validate()
}

func (p *loyaltyPage) loadLogoFile() {
	if data, ok := p.readPath(p.card.logoPath); ok {
		p.setLogo(data)
	}
}

func (p *loyaltyPage) setLogo(data []byte) {
	c, u := &p.card, p.u
	if err := p.checkImage(true, data); err != nil {
		p.refuse("loyaltydesign.image_not_loaded", c.problem(p, err))
		return
	}
	c.design.Logo = data
	c.showImages(p)
	p.refreshPreview()
	p.s.note(toneInfo, u.T("loyaltydesign.logo_loaded"), u.T("loyaltydesign.save_hint", "Key", string(keySettingsSave)))
}

func (p *loyaltyPage) removeLogo() {
	c := &p.card
	c.design.Logo = nil
	c.logoPath.SetText("")
	c.showImages(p)
	p.refreshPreview()
	p.s.note(toneInfo, p.u.T("loyaltydesign.logo_removed"), p.u.T("loyaltydesign.save_hint", "Key", string(keySettingsSave)))
}

func (p *loyaltyPage) loadStampFile() {
	if data, ok := p.readPath(p.card.stampPath); ok {
		p.setStampImage(data)
	}
}

// setStampImage takes the owner's own stamp and switches to it.
func (p *loyaltyPage) setStampImage(data []byte) {
	c, u := &p.card, p.u
	if err := p.checkImage(false, data); err != nil {
		p.refuse("loyaltydesign.image_not_loaded", c.problem(p, err))
		return
	}
	c.design.StampImage = data
	c.showImages(p)
	was := p.loading
	p.loading = true
	c.icon.SetSelectedIndex(len(loyaltycard.Icons))
	p.loading = was
	p.refreshPreview()
	p.s.note(toneInfo, u.T("loyaltydesign.stamp_loaded"), u.T("loyaltydesign.save_hint", "Key", string(keySettingsSave)))
}

// browse picks a PNG with the system's file dialog (the path field does
// the same by keyboard).
func (p *loyaltyPage) browse(path *Entry, load func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		path.SetText(r.URI().Path())
		load()
	}, p.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".PNG"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// --- buttons ---

// exportPNG writes a full-size sample card (placeholder code) into the
// exports folder, to print or to send for approval.
func (p *loyaltyPage) exportPNG() {
	u := p.u
	d := p.card.current(p)
	data, err := loyaltycard.RenderPNG(d, p.sample(d, 1))
	if err != nil {
		p.refuse("loyaltydesign.export_failed", p.card.problem(p, err))
		return
	}
	path, err := u.saveExport("card-design", "png", data)
	if err != nil {
		u.log.Warn("card export failed", "err", err)
		p.refuse("loyaltydesign.export_failed", &formProblem{detail: u.Err(err)})
		return
	}
	p.s.saved(u.T("loyaltydesign.exported"), path)
}

// askReset puts the default look back in the form after a confirmation
// (saved only with Save).
func (p *loyaltyPage) askReset() {
	u := p.u
	u.confirm(u.T("loyaltydesign.reset"), u.T("loyaltydesign.reset_ask"), u.T("loyaltydesign.reset_yes"), func() {
		p.resetDesign()
		p.s.note(toneInfo, u.T("loyaltydesign.reset_done"), u.T("loyaltydesign.save_hint", "Key", string(keySettingsSave)))
	})
}

func (p *loyaltyPage) resetDesign() {
	d := loyaltycard.DefaultDesign(p.u.point.Name, p.u.p.L)
	p.card.logoPath.SetText("")
	p.card.stampPath.SetText("")
	p.card.fill(p, d)
}
