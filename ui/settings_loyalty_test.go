package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
	"smartpoint/app/store"
	"smartpoint/device/sound"
)

// loyaltyPage opens Settings → Loyalty.
func (e *env) loyaltyPage() (*settingsScreen, *loyaltyPage) {
	e.t.Helper()
	s := e.settings()
	if s.loyaltyTab == nil {
		e.t.Fatal("no Loyalty tab in Settings")
	}
	s.tabs.Select(s.loyaltyTab)
	return s, s.loyalty
}

// retype puts the cursor in field f, clears it and types text as a
// person does.
func (e *env) retype(f *Entry, text string) {
	e.t.Helper()
	e.u.win.Canvas().Focus(f)
	f.SetText("")
	e.typeSlow(text)
	if f.Text != text {
		e.t.Fatalf("typed %q, field shows %q", text, f.Text)
	}
}

func (e *env) programme() loyalty.Programme {
	e.t.Helper()
	p, err := e.loy.Programme(e.ctx)
	if err != nil {
		e.t.Fatalf("programme: %v", err)
	}
	return p
}

// previewPixel is the preview's colour at (x, y).
func previewPixel(t *testing.T, p *loyaltyPage, x, y int) color.RGBA {
	t.Helper()
	img, ok := p.card.preview.Image.(*image.RGBA)
	if !ok {
		t.Fatalf("preview holds %T", p.card.preview.Image)
	}
	return img.RGBAAt(x, y)
}

// The owner changes the stamps for a reward and the reward, presses F9:
// the programme has them, the card shows as many stamps.
func TestLoyaltySettingsOwnerChangesRules(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	s, p := e.loyaltyPage()
	if p.rules.perReward.Text != "5" || p.rules.rewardText.Text != "Бесплатная упаковка" {
		t.Fatalf("form shows %q / %q, want the stored rules", p.rules.perReward.Text, p.rules.rewardText.Text)
	}
	if p.rules.notRunning.Visible() {
		t.Fatal("a running programme is said not to run")
	}
	e.retype(p.rules.perReward, "8")
	e.retype(p.rules.rewardText, "Бесплатная упаковка двух посылок")
	if !strings.HasPrefix(p.card.stamps.Text, "8 ") || !strings.Contains(p.card.caption.Text, "3 из 8") {
		t.Fatalf("the card follows the rules: stamps %q, caption %q", p.card.stamps.Text, p.card.caption.Text)
	}
	e.press(keySettingsSave)
	got := e.programme()
	if got.PerReward != 8 || got.RewardText != "Бесплатная упаковка двух посылок" || got.Name != "Штампы" || got.Accrual != loyalty.PerVisit {
		t.Fatalf("stored programme %+v", got)
	}
	e.bannerSays(s.banner, "Программа лояльности сохранена")
	if d, _ := e.loy.CardDesign(e.ctx); d.Stamps != 8 {
		t.Fatalf("saved card has %d stamps, want 8", d.Stamps)
	}
	// Tiers and promotions are edited as lists.
	test.Tap(p.rules.addTier)
	e.retype(p.rules.tiers[0].name, "Серебро")
	e.retype(p.rules.tiers[0].threshold, "30")
	test.Tap(p.rules.addPromo)
	pr := p.rules.promos[0]
	e.retype(pr.name, "Обеденные часы")
	e.retype(pr.start, "12:00")
	e.retype(pr.end, "14:00")
	test.Tap(pr.days[0]) // Monday
	test.Tap(pr.days[4]) // Friday
	e.press(keySettingsSave)
	got = e.programme()
	if len(got.Tiers) != 1 || got.Tiers[0] != (loyalty.Tier{Name: "Серебро", Threshold: 30, MultiplierPct: 150}) {
		t.Fatalf("tiers %+v", got.Tiers)
	}
	if len(got.Promotions) != 1 || got.Promotions[0].Name != "Обеденные часы" || got.Promotions[0].Start != "12:00" ||
		got.Promotions[0].MultiplierPct != 200 || len(got.Promotions[0].Weekdays) != 2 || got.Promotions[0].Weekdays[1] != 5 {
		t.Fatalf("promotions %+v", got.Promotions)
	}
	test.Tap(p.rules.tiers[0].remove)
	e.press(keySettingsSave)
	if got = e.programme(); len(got.Tiers) != 0 || len(got.Promotions) != 1 {
		t.Fatalf("after removing the tier: %+v %+v", got.Tiers, got.Promotions)
	}
}

// Without a programme the form offers a stamp card of 6 and says nothing
// runs until it is saved; F9 starts it.
func TestLoyaltySettingsStartsProgramme(t *testing.T) {
	e := loggedIn(t, withLoyalty(loyalty.Programme{}))
	s, p := e.loyaltyPage()
	if !p.rules.notRunning.Visible() || !strings.Contains(p.rules.notRunning.Text, "ещё не работает") {
		t.Fatalf("no 'not running' line: %q", p.rules.notRunning.Text)
	}
	if p.rules.perReward.Text != "6" || p.rules.kind.Selected != "Карта со штампами" || p.rules.perUnit.Text != "1" ||
		p.rules.accrual.SelectedIndex() != 0 || p.rules.anonymise.Text != "365" {
		t.Fatalf("defaults: %q %q %q %d %q", p.rules.perReward.Text, p.rules.kind.Selected, p.rules.perUnit.Text,
			p.rules.accrual.SelectedIndex(), p.rules.anonymise.Text)
	}
	// F9 works wherever Tab left the cursor, a drop-down too.
	e.u.win.Canvas().Focus(p.rules.kind)
	e.press(keySettingsSave)
	got := e.programme()
	if got.Kind != loyalty.KindStamp || got.PerReward != 6 || got.Accrual != loyalty.PerVisit || got.PerUnit != 1 || got.AnonymiseAfterDays != 365 {
		t.Fatalf("started programme %+v", got)
	}
	if p.rules.notRunning.Visible() {
		t.Fatal("still 'not running' after saving")
	}
	e.bannerSays(s.banner, "сохранена")
}

// A wrong value is refused with its reason and the field's name; nothing
// is stored and the form keeps what was typed.
func TestLoyaltySettingsRefusesInvalid(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	s, p := e.loyaltyPage()
	e.retype(p.rules.perReward, "0")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "Правила не сохранены")
	e.bannerSays(s.banner, "«Штампов до награды» = 0: Неверное значение")
	if got := e.programme(); got.PerReward != 5 {
		t.Fatalf("stamps per reward stored as %d", got.PerReward)
	}
	if p.rules.perReward.Text != "0" || e.focused() != p.rules.perReward {
		t.Fatalf("the form must keep the typed value with the cursor in it: %q, focus %T", p.rules.perReward.Text, e.focused())
	}
	if e.lastTone() != sound.Error {
		t.Fatal("no error sound")
	}

	e.retype(p.rules.perReward, "7")
	e.retype(p.rules.cooldown, "десять")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "«Пауза между визитами, минут»: введите целое число.")
	if got := e.programme(); got.PerReward != 5 || got.CooldownMinutes != 0 {
		t.Fatalf("a refused form stored %+v", got)
	}
	if p.rules.cooldown.Text != "десять" || p.rules.perReward.Text != "7" {
		t.Fatal("the form lost what was typed")
	}

	// A stamp card with cards issued cannot become a points card.
	e.retype(p.rules.cooldown, "0")
	e.enrolled("+996555000111", "Жылдыз")
	p.rules.kind.SetSelectedIndex(1)
	if p.rules.perRewardI.Text != "Цена награды, баллов" {
		t.Fatalf("points label %q", p.rules.perRewardI.Text)
	}
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "нельзя изменить: карты уже выданы")
	if got := e.programme(); got.Kind != loyalty.KindStamp {
		t.Fatalf("kind changed to %s", got.Kind)
	}
}

// The preview follows the colours; an unreadable colour keeps the last
// good picture and says why under it. A partly stamped card shows filled
// and empty stamps.
func TestLoyaltySettingsPreview(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	_, p := e.loyaltyPage()
	d := p.card.current(p)
	st := p.sample(d, previewScale)
	g, err := loyaltycard.Layout(d, st)
	if err != nil {
		t.Fatal(err)
	}
	w, h := g.Size.X, g.Size.Y
	if b := p.card.preview.Image.Bounds(); b.Dx() != w || b.Dy() != h || w != 432 {
		t.Fatalf("preview %v, want %dx%d", b, w, h)
	}
	bgAt := func() color.RGBA { return previewPixel(t, p, w/2, h-3) } // the bottom edge: background
	if got, want := bgAt(), (color.RGBA{0x1F, 0x3A, 0x5F, 0xff}); got != want {
		t.Fatalf("background %v, want the default navy %v", got, want)
	}
	// 3 of 5 stamps: the first in the accent colour, the last not.
	centre := func(r image.Rectangle) color.RGBA {
		return previewPixel(t, p, (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
	}
	if len(g.Stamps) != 5 || g.Filled != 3 || centre(g.Stamps[0]) == centre(g.Stamps[4]) {
		t.Fatalf("stamps %d, filled %d: filled %v, empty %v", len(g.Stamps), g.Filled, centre(g.Stamps[0]), centre(g.Stamps[4]))
	}

	e.retype(p.card.bg, "#7A1F2B")
	if got, want := bgAt(), (color.RGBA{0x7A, 0x1F, 0x2B, 0xff}); got != want {
		t.Fatalf("after the colour change the background is %v, want %v", got, want)
	}
	if p.card.swatch[p.card.bg].FillColor != (color.RGBA{0x7A, 0x1F, 0x2B, 0xff}) {
		t.Fatal("the swatch does not show the colour")
	}
	good := p.card.preview.Image
	e.retype(p.card.bg, "#7A1F2")
	if p.card.preview.Image != good || bgAt() != (color.RGBA{0x7A, 0x1F, 0x2B, 0xff}) {
		t.Fatal("an unreadable colour replaced the preview")
	}
	if !p.card.previewE.Visible() || !strings.Contains(p.card.previewE.Text, "«Цвет фона»: Цвет «#7A1F2» не распознан") {
		t.Fatalf("under the preview: %q (visible %v)", p.card.previewE.Text, p.card.previewE.Visible())
	}
	// A colour too close to the text's is refused too, with the reason.
	e.retype(p.card.bg, "#EEEEEE")
	if !strings.Contains(p.card.previewE.Text, "плохо виден на фоне") || p.card.preview.Image != good {
		t.Fatalf("low contrast: %q", p.card.previewE.Text)
	}
	// A palette button fixes it.
	test.Tap(findKeyButton(t, p.obj, "Зелёный"))
	if p.card.previewE.Visible() || bgAt() != (color.RGBA{0x1B, 0x43, 0x32, 0xff}) {
		t.Fatalf("palette: error %q, background %v", p.card.previewE.Text, bgAt())
	}
}

// "Save design" stores the look; "Export PNG" writes a full-size sample
// card into the exports folder; F9 with a broken design says it is the
// design and saves nothing.
func TestLoyaltySettingsDesignSaveExport(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	s, p := e.loyaltyPage()
	e.retype(p.card.title, "Карта друга")
	p.card.icon.SetSelectedIndex(1) // star
	test.Tap(findKeyButton(t, p.obj, "Сохранить дизайн"))
	d, err := e.loy.CardDesign(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Карта друга" || d.StampIcon != loyaltycard.IconStar || d.Stamps != 5 {
		t.Fatalf("saved design %+v", d)
	}
	e.bannerSays(s.banner, "Дизайн карты сохранён")

	test.Tap(findKeyButton(t, p.obj, "Экспорт PNG"))
	dir := store.ExportDir(e.u.dbPath())
	files, _ := filepath.Glob(filepath.Join(dir, "card-design-*.png"))
	if len(files) != 1 {
		t.Fatalf("exports: %v", files)
	}
	e.bannerSays(s.banner, files[0])
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 1080 || cfg.Height != 680 {
		t.Fatalf("exported PNG %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}

	// A logo from a path typed by keyboard; a broken file is refused.
	logo := filepath.Join(t.TempDir(), "logo.png")
	var buf bytes.Buffer
	sq := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range sq.Pix {
		sq.Pix[i] = 0xff
	}
	if err := png.Encode(&buf, sq); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	e.retype(p.card.logoPath, logo)
	e.press(fyne.KeyReturn)
	if !bytes.Equal(p.card.design.Logo, buf.Bytes()) || !strings.Contains(p.card.logoInfo.Text, "Загружено") {
		t.Fatalf("logo not taken: %q", p.card.logoInfo.Text)
	}
	bad := filepath.Join(t.TempDir(), "photo.png")
	os.WriteFile(bad, []byte("not a picture"), 0o600)
	e.retype(p.card.logoPath, bad)
	e.press(fyne.KeyReturn)
	e.bannerSays(s.banner, "Картинка не подходит")
	if !bytes.Equal(p.card.design.Logo, buf.Bytes()) {
		t.Fatal("a broken file replaced the logo")
	}
	test.Tap(findKeyButton(t, p.obj, "Убрать логотип"))
	if len(p.card.design.Logo) != 0 {
		t.Fatal("logo still there")
	}

	// F9 with an empty card title: the design is named, nothing saved.
	e.retype(p.rules.perReward, "9")
	e.retype(p.card.title, " ")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "Дизайн карты не сохранён")
	e.bannerSays(s.banner, "«Заголовок»")
	if e.focused() != p.card.title || !inView(p, p.card.title) {
		t.Fatalf("the cursor is not in the card title, or the form did not scroll to it (offset %v)", p.scroll.Offset)
	}
	if got := e.programme(); got.PerReward != 5 {
		t.Fatalf("rules saved with a broken design: %d", got.PerReward)
	}

	// Reset asks first, then puts the default look in the form.
	test.Tap(findKeyButton(t, p.obj, "Дизайн по умолчанию"))
	e.dialogSays("Вернуть стандартный вид карты?")
	e.press(fyne.KeyReturn)
	if p.card.title.Text != "Карта постоянного клиента" || p.card.bg.Text != "#1F3A5F" {
		t.Fatalf("after reset: %q %q", p.card.title.Text, p.card.bg.Text)
	}
}

// A clerk sees the page read-only; a save that gets through anyway is
// refused by the service, in words.
func TestLoyaltySettingsClerkReadOnly(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	if _, err := e.svc.CreateClerk(e.ctx, e.owner(), "Бакыт", counter.RoleClerk, "5831"); err != nil {
		t.Fatal(err)
	}
	e.loginAs("Бакыт", "5831")
	s, p := e.loyaltyPage()
	if p.rules.perReward.Text != "5" {
		t.Fatalf("a clerk sees %q", p.rules.perReward.Text)
	}
	for name, d := range map[string]fyne.Disableable{"stamps": p.rules.perReward, "kind": p.rules.kind, "add tier": p.rules.addTier,
		"save": p.rules.saveB, "title": p.card.title, "colour": p.card.bg, "save design": p.card.saveB} {
		if !d.Disabled() {
			t.Errorf("%s is editable for a clerk", name)
		}
	}
	p.rules.perReward.SetText("2")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "Недостаточно прав")
	if got := e.programme(); got.PerReward != 5 {
		t.Fatalf("a clerk's change was stored: %d", got.PerReward)
	}
	p.saveDesign()
	e.bannerSays(s.banner, "Дизайн карты не сохранён")
	e.bannerSays(s.banner, "Недостаточно прав")
}

// At 1366×768 the form scrolls and the preview with its buttons stays
// in the window, right of the form.
func TestLoyaltySettingsLayout(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	_, p := e.loyaltyPage()
	w := e.u.Window()
	w.Content().Refresh()
	img := w.Canvas().Capture()
	if out := os.Getenv("LOYALTY_SCREENSHOT"); out != "" {
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, img)
		f.Close()
	}
	size := w.Canvas().Size()
	d := fyne.CurrentApp().Driver()
	for name, o := range map[string]fyne.CanvasObject{"preview": p.card.preview, "save design": p.card.saveB,
		"export": p.card.exportB, "reset": p.card.resetB} {
		pos := d.AbsolutePositionForObject(o)
		end := pos.Add(o.Size())
		if !o.Visible() || o.Size().Width < 10 || end.X > size.Width || end.Y > size.Height {
			t.Errorf("%s at %v…%v, outside the %v window", name, pos, end, size)
		}
	}
	form := d.AbsolutePositionForObject(p.rules.perReward)
	if prev := d.AbsolutePositionForObject(p.card.preview); form.X+p.rules.perReward.Size().Width > prev.X {
		t.Errorf("the form (%v) runs under the preview (%v)", form, prev)
	}
}

// inView tells whether o is in the visible part of the form.
func inView(p *loyaltyPage, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(o).Y
	top := d.AbsolutePositionForObject(p.scroll).Y
	return y >= top && y+o.Size().Height <= top+p.scroll.Size().Height
}

// findKeyButton finds the page's button labelled text.
func findKeyButton(t *testing.T, o fyne.CanvasObject, text string) *keyButton {
	t.Helper()
	for _, b := range find[*keyButton](o) {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}
