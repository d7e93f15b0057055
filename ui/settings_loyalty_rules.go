package ui

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
)

// The rules form's choices, in the order the drop-downs show them.
var (
	loyaltyKinds    = []loyalty.Kind{loyalty.KindStamp, loyalty.KindPoints}
	loyaltyAccruals = []loyalty.Accrual{loyalty.PerVisit, loyalty.PerParcel}
	loyaltyLives    = []loyalty.LifeMode{loyalty.LifeForever, loyalty.LifeFixed, loyalty.LifeInactivity}
	// weekdays as the week is read at the point: Monday first.
	loyaltyWeekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday,
		time.Friday, time.Saturday, time.Sunday}
)

// rulesForm is the programme's rules as the owner edits them.
type rulesForm struct {
	stored loyalty.Programme // as last loaded or saved (its ID)
	exists bool              // a programme is running

	notRunning *widget.Label
	form       *widget.Form
	perRewardI *widget.FormItem
	perUnitI   *widget.FormItem

	name, perReward, perUnit, rewardText, lifeDays *Entry
	dailyCap, cooldown, pinAbove, anonymise        *Entry
	kind, carry, accrual, life                     *keySelect

	tierBox  *fyne.Container
	tiers    []*tierRow
	addTier  *keyButton
	promoBox *fyne.Container
	promos   []*promoRow
	addPromo *keyButton
	saveB    *keyButton
}

type tierRow struct {
	name, threshold, pct *Entry
	remove               *keyButton
}

type promoRow struct {
	name, from, to, start, end, pct, bonus *Entry
	days                                   []*keyCheck // loyaltyWeekdays order
	remove                                 *keyButton
}

func (p *loyaltyPage) defaultProgramme() loyalty.Programme {
	u := p.u
	return loyalty.Programme{Name: u.T("loyaltycard.default_title"), Kind: loyalty.KindStamp, PerReward: 6,
		CarryOver: true, Accrual: loyalty.PerVisit, PerUnit: 1, RewardText: u.T("loyaltydesign.default_reward"),
		AnonymiseAfterDays: loyalty.DefaultAnonymiseDays}
}

func (p *loyaltyPage) rulesView() fyne.CanvasObject {
	u, r := p.u, &p.rules
	r.notRunning = wrapped(u.T("loyaltydesign.not_running"))
	r.notRunning.Importance = widget.WarningImportance
	r.notRunning.TextStyle.Bold = true

	changed := func(string) { p.rulesChanged() }
	r.name = u.newEntry(u.T("loyaltycard.default_title"))
	r.kind = u.newKeySelect([]string{u.T("loyaltydesign.kind.stamp"), u.T("loyaltydesign.kind.points")}, changed)
	r.perReward = u.newEntry("6")
	r.perReward.OnChanged = changed
	r.carry = u.newKeySelect([]string{u.T("loyaltydesign.carry.keep"), u.T("loyaltydesign.carry.reset")}, nil)
	r.accrual = u.newKeySelect([]string{u.T("loyaltydesign.accrual.visit"), u.T("loyaltydesign.accrual.parcel")}, changed)
	r.perUnit = u.newEntry("1")
	r.rewardText = u.newEntry(u.T("loyaltydesign.default_reward"))
	r.life = u.newKeySelect([]string{u.T("loyaltydesign.life.forever"), u.T("loyaltydesign.life.fixed"),
		u.T("loyaltydesign.life.inactivity")}, changed)
	r.lifeDays = u.newEntry("180")
	r.dailyCap = u.newEntry("0")
	r.cooldown = u.newEntry("0")
	r.pinAbove = u.newEntry("0")
	r.anonymise = u.newEntry(strconv.Itoa(loyalty.DefaultAnonymiseDays))
	chainEntries(u, []*Entry{r.name, r.perReward, r.perUnit, r.rewardText, r.lifeDays, r.dailyCap,
		r.cooldown, r.pinAbove, r.anonymise}, p.save)

	r.perRewardI = widget.NewFormItem(u.T("loyaltydesign.per_reward.stamp"), r.perReward)
	r.perUnitI = widget.NewFormItem(u.T("loyaltydesign.per_unit.stamp.visit"), r.perUnit)
	life := container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewLabel(u.T("loyaltydesign.days"))),
		container.NewGridWithColumns(2, r.life, r.lifeDays))
	item := func(label string, o fyne.CanvasObject, hint string) *widget.FormItem {
		it := widget.NewFormItem(label, o)
		if hint != "" {
			it.HintText = u.T(hint)
		}
		return it
	}
	r.form = widget.NewForm(
		item(u.T("loyaltydesign.name"), r.name, ""),
		item(u.T("loyaltydesign.kind"), r.kind, "loyaltydesign.kind_hint"),
		r.perRewardI,
		item(u.T("loyaltydesign.carry"), r.carry, ""),
		item(u.T("loyaltydesign.accrual"), r.accrual, ""),
		r.perUnitI,
		item(u.T("loyaltydesign.reward_text"), r.rewardText, ""),
		item(u.T("loyaltydesign.life"), life, ""),
		item(u.T("loyaltydesign.daily_cap"), r.dailyCap, "loyaltydesign.zero_none"),
		item(u.T("loyaltydesign.cooldown"), r.cooldown, "loyaltydesign.zero_none"),
		item(u.T("loyaltydesign.pin_above"), r.pinAbove, "loyaltydesign.pin_above_hint"),
		item(u.T("loyaltydesign.anonymise"), r.anonymise, "loyaltydesign.anonymise_hint"),
	)

	r.tierBox = container.NewVBox()
	r.addTier = u.newKeyButton(u.T("loyaltydesign.tier_add"), func() { p.addTier(loyalty.Tier{}) })
	r.promoBox = container.NewVBox()
	r.addPromo = u.newKeyButton(u.T("loyaltydesign.promo_add"), func() { p.addPromo(loyalty.Promotion{MultiplierPct: 200}) })
	r.saveB = u.newKeyButton(string(keySettingsSave)+" "+u.T("loyaltydesign.save_all"), p.save)
	r.saveB.Importance = widget.HighImportance

	return container.NewVBox(
		bold(u.T("loyaltydesign.rules_title")), r.notRunning, r.form,
		widget.NewSeparator(),
		bold(u.T("loyaltydesign.tiers")), wrapped(u.T("loyaltydesign.tiers_hint")), r.tierBox, container.NewHBox(r.addTier),
		widget.NewSeparator(),
		bold(u.T("loyaltydesign.promos")), wrapped(u.T("loyaltydesign.promos_hint")), r.promoBox, container.NewHBox(r.addPromo),
	)
}

// reset shows programme g in the form.
func (r *rulesForm) reset(p *loyaltyPage, g loyalty.Programme) {
	r.name.SetText(g.Name)
	r.kind.SetSelectedIndex(max(0, slices.Index(loyaltyKinds, g.Kind)))
	r.perReward.SetText(strconv.Itoa(g.PerReward))
	if g.CarryOver {
		r.carry.SetSelectedIndex(0)
	} else {
		r.carry.SetSelectedIndex(1)
	}
	r.accrual.SetSelectedIndex(max(0, slices.Index(loyaltyAccruals, g.Accrual)))
	r.perUnit.SetText(strconv.Itoa(max(g.PerUnit, 1)))
	r.rewardText.SetText(g.RewardText)
	r.life.SetSelectedIndex(max(0, slices.Index(loyaltyLives, g.Life.Mode)))
	r.lifeDays.SetText("")
	if g.Life.Days > 0 {
		r.lifeDays.SetText(strconv.Itoa(g.Life.Days))
	}
	r.dailyCap.SetText(strconv.Itoa(g.DailyCap))
	r.cooldown.SetText(strconv.Itoa(g.CooldownMinutes))
	r.pinAbove.SetText(strconv.Itoa(g.PINAbove))
	anon := g.AnonymiseAfterDays
	if anon == 0 {
		anon = loyalty.DefaultAnonymiseDays
	}
	r.anonymise.SetText(strconv.Itoa(anon))
	r.tiers, r.promos = nil, nil
	r.tierBox.RemoveAll()
	r.promoBox.RemoveAll()
	for _, t := range g.Tiers {
		p.addTier(t)
	}
	for _, pr := range g.Promotions {
		p.addPromo(pr)
	}
	p.relabel()
}

// rulesChanged follows a choice: labels, what is enabled, the stamps on
// the card.
func (p *loyaltyPage) rulesChanged() {
	if p.rules.form == nil || p.loading {
		return
	}
	p.relabel()
	p.applyEnabled()
	p.refreshPreview()
}

// relabel names the amounts after the card's kind and what earns.
func (p *loyaltyPage) relabel() {
	r, u := &p.rules, p.u
	kind, acc := r.kindValue(), loyaltyAccruals[max(0, r.accrual.SelectedIndex())]
	r.perRewardI.Text = u.T("loyaltydesign.per_reward." + string(kind))
	r.perUnitI.Text = u.T("loyaltydesign.per_unit." + string(kind) + "." + string(acc))
	r.form.Refresh()
}

func (r *rulesForm) kindValue() loyalty.Kind { return loyaltyKinds[max(0, r.kind.SelectedIndex())] }

func (r *rulesForm) lifeValue() loyalty.LifeMode { return loyaltyLives[max(0, r.life.SelectedIndex())] }

func (r *rulesForm) enable(on bool) {
	for _, d := range []fyne.Disableable{r.name, r.kind, r.perReward, r.accrual, r.perUnit, r.rewardText,
		r.life, r.dailyCap, r.cooldown, r.pinAbove, r.anonymise, r.addTier, r.addPromo, r.saveB} {
		enableIf(d, on)
	}
	enableIf(r.carry, on && r.kindValue() == loyalty.KindStamp)
	enableIf(r.lifeDays, on && r.lifeValue() != loyalty.LifeForever)
	for _, t := range r.tiers {
		for _, d := range []fyne.Disableable{t.name, t.threshold, t.pct, t.remove} {
			enableIf(d, on)
		}
	}
	for _, pr := range r.promos {
		for _, d := range []fyne.Disableable{pr.name, pr.from, pr.to, pr.start, pr.end, pr.pct, pr.bonus, pr.remove} {
			enableIf(d, on)
		}
		for _, c := range pr.days {
			enableIf(c, on)
		}
	}
}

// addTier adds a tier line; a new one suggests the next threshold.
func (p *loyaltyPage) addTier(t loyalty.Tier) {
	u, r := p.u, &p.rules
	if t.Threshold == 0 {
		t.Threshold, t.MultiplierPct = 20, 150
		if n := len(r.tiers); n > 0 {
			last := r.tiers[n-1]
			if v, err := strconv.Atoi(strings.TrimSpace(last.threshold.Text)); err == nil {
				t.Threshold = v + 20
			}
			if v, err := strconv.Atoi(strings.TrimSpace(last.pct.Text)); err == nil {
				t.MultiplierPct = v + 50
			}
		}
	}
	row := &tierRow{name: u.newEntry(u.T("loyaltydesign.tier_name_example")), threshold: u.newEntry("20"), pct: u.newEntry("150")}
	row.name.SetText(t.Name)
	row.threshold.SetText(strconv.Itoa(t.Threshold))
	row.pct.SetText(strconv.Itoa(t.MultiplierPct))
	var line fyne.CanvasObject
	row.remove = u.newKeyButton(u.T("loyaltydesign.remove"), func() {
		i := slices.Index(r.tiers, row)
		if i < 0 {
			return
		}
		r.tiers = slices.Delete(r.tiers, i, i+1)
		r.tierBox.Remove(line)
		p.renumber()
	})
	line = container.NewBorder(nil, nil, nil, row.remove, widget.NewForm(
		widget.NewFormItem(u.T("loyaltydesign.tier_n", "N", len(r.tiers)+1), row.name),
		widget.NewFormItem(u.T("loyaltydesign.tier_threshold"), container.NewGridWithColumns(3,
			row.threshold, widget.NewLabel(u.T("loyaltydesign.tier_pct")), row.pct)),
	))
	r.tiers = append(r.tiers, row)
	r.tierBox.Add(line)
	if !p.loading {
		p.applyEnabled()
		u.win.Canvas().Focus(row.name)
	}
}

// addPromo adds a promotion block.
func (p *loyaltyPage) addPromo(pr loyalty.Promotion) {
	u, r := p.u, &p.rules
	row := &promoRow{
		name: u.newEntry(u.T("loyaltydesign.promo_name_example")),
		from: u.newEntry(u.T("loyaltydesign.date_example")), to: u.newEntry(u.T("loyaltydesign.date_example")),
		start: u.newEntry("10:00"), end: u.newEntry("14:00"),
		pct: u.newEntry("200"), bonus: u.newEntry("0"),
	}
	row.name.SetText(pr.Name)
	row.from.SetText(pr.From)
	row.to.SetText(pr.To)
	row.start.SetText(pr.Start)
	row.end.SetText(pr.End)
	if pr.MultiplierPct != 0 {
		row.pct.SetText(strconv.Itoa(pr.MultiplierPct))
	}
	if pr.Bonus != 0 {
		row.bonus.SetText(strconv.Itoa(pr.Bonus))
	}
	var days []fyne.CanvasObject
	for _, d := range loyaltyWeekdays {
		c := u.newKeyCheck(u.T("loyaltydesign.weekday."+strconv.Itoa(int(d))), nil)
		c.Checked = slices.Contains(pr.Weekdays, d)
		row.days = append(row.days, c)
		days = append(days, c)
	}
	var block fyne.CanvasObject
	row.remove = u.newKeyButton(u.T("loyaltydesign.remove"), func() {
		i := slices.Index(r.promos, row)
		if i < 0 {
			return
		}
		r.promos = slices.Delete(r.promos, i, i+1)
		r.promoBox.Remove(block)
		p.renumber()
	})
	dash := func(a, b fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWithColumns(3, a, container.NewCenter(widget.NewLabel("—")), b)
	}
	form := widget.NewForm(
		widget.NewFormItem(u.T("loyaltydesign.promo_n", "N", len(r.promos)+1), row.name),
		&widget.FormItem{Text: u.T("loyaltydesign.promo_dates"), Widget: dash(row.from, row.to), HintText: u.T("loyaltydesign.promo_dates_hint")},
		&widget.FormItem{Text: u.T("loyaltydesign.promo_days"), Widget: container.NewHBox(days...), HintText: u.T("loyaltydesign.promo_days_hint")},
		&widget.FormItem{Text: u.T("loyaltydesign.promo_hours"), Widget: dash(row.start, row.end), HintText: u.T("loyaltydesign.promo_hours_hint")},
		widget.NewFormItem(u.T("loyaltydesign.promo_pct"), container.NewGridWithColumns(3,
			row.pct, widget.NewLabel(u.T("loyaltydesign.promo_bonus")), row.bonus)),
	)
	block = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil,
		container.NewVBox(row.remove, layout.NewSpacer()), form))
	r.promos = append(r.promos, row)
	r.promoBox.Add(block)
	if !p.loading {
		p.applyEnabled()
		u.win.Canvas().Focus(row.name)
	}
}

// renumber keeps "Tier 1, 2…" in order after a removal.
func (p *loyaltyPage) renumber() {
	u, r := p.u, &p.rules
	for i, o := range r.tierBox.Objects {
		if f := formIn(o); f != nil && len(f.Items) > 0 {
			f.Items[0].Text = u.T("loyaltydesign.tier_n", "N", i+1)
			f.Refresh()
		}
	}
	for i, o := range r.promoBox.Objects {
		if f := formIn(o); f != nil && len(f.Items) > 0 {
			f.Items[0].Text = u.T("loyaltydesign.promo_n", "N", i+1)
			f.Refresh()
		}
	}
	r.tierBox.Refresh()
	r.promoBox.Refresh()
	u.refocus()
}

// formIn finds the first form in a tier line or promotion block.
func formIn(o fyne.CanvasObject) *widget.Form {
	switch x := o.(type) {
	case *widget.Form:
		return x
	case *fyne.Container:
		for _, c := range x.Objects {
			if f := formIn(c); f != nil {
				return f
			}
		}
	}
	return nil
}

// programme is the form as a Programme, or the first field that is not a
// number.
func (r *rulesForm) programme(p *loyaltyPage) (loyalty.Programme, *formProblem) {
	u := p.u
	g := loyalty.Programme{
		ID: r.stored.ID, Name: r.name.Text, Kind: r.kindValue(),
		CarryOver:  r.carry.SelectedIndex() != 1,
		Accrual:    loyaltyAccruals[max(0, r.accrual.SelectedIndex())],
		RewardText: r.rewardText.Text,
		Life:       loyalty.Life{Mode: r.lifeValue()},
	}
	type numField struct {
		dst   *int
		e     *Entry
		label string
	}
	nums := []numField{
		{&g.PerReward, r.perReward, r.perRewardI.Text},
		{&g.PerUnit, r.perUnit, r.perUnitI.Text},
	}
	if g.Life.Mode != loyalty.LifeForever {
		nums = append(nums, numField{&g.Life.Days, r.lifeDays, u.T("loyaltydesign.life")})
	}
	nums = append(nums,
		numField{&g.DailyCap, r.dailyCap, u.T("loyaltydesign.daily_cap")},
		numField{&g.CooldownMinutes, r.cooldown, u.T("loyaltydesign.cooldown")},
		numField{&g.PINAbove, r.pinAbove, u.T("loyaltydesign.pin_above")},
		numField{&g.AnonymiseAfterDays, r.anonymise, u.T("loyaltydesign.anonymise")},
	)
	g.Tiers = make([]loyalty.Tier, len(r.tiers))
	for i, t := range r.tiers {
		g.Tiers[i].Name = t.name.Text
		n := u.T("loyaltydesign.tier_n", "N", i+1) + " · "
		nums = append(nums,
			numField{&g.Tiers[i].Threshold, t.threshold, n + u.T("loyaltydesign.tier_threshold")},
			numField{&g.Tiers[i].MultiplierPct, t.pct, n + u.T("loyaltydesign.tier_pct")})
	}
	g.Promotions = make([]loyalty.Promotion, len(r.promos))
	for i, pr := range r.promos {
		promo := &g.Promotions[i]
		*promo = loyalty.Promotion{Name: pr.name.Text, From: strings.TrimSpace(pr.from.Text), To: strings.TrimSpace(pr.to.Text),
			Start: clockText(pr.start.Text), End: clockText(pr.end.Text)}
		for j, c := range pr.days {
			if c.Checked {
				promo.Weekdays = append(promo.Weekdays, loyaltyWeekdays[j])
			}
		}
		n := u.T("loyaltydesign.promo_n", "N", i+1) + " · "
		nums = append(nums,
			numField{&promo.MultiplierPct, pr.pct, n + u.T("loyaltydesign.promo_pct")},
			numField{&promo.Bonus, pr.bonus, n + u.T("loyaltydesign.promo_bonus")})
	}
	for _, f := range nums {
		v, bad := p.number(f.e, f.label)
		if bad != nil {
			return g, bad
		}
		*f.dst = v
	}
	return g, nil
}

// clockText accepts 9:30 for 09:30, as people type hours.
func clockText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 4 && s[1] == ':' {
		return "0" + s
	}
	return s
}

// fieldPath splits "promotions[2].from" into "promotions", 2, "from".
var fieldPath = regexp.MustCompile(`^(tiers|promotions)\[(\d+)\]\.(\w+)$`)

// problem words a refused programme with the field it names.
func (r *rulesForm) problem(p *loyaltyPage, err error) *formProblem {
	u := p.u
	return p.errProblem(err, func(field string) (string, fyne.Focusable) {
		if m := fieldPath.FindStringSubmatch(field); m != nil {
			i, _ := strconv.Atoi(m[2])
			if m[1] == "tiers" && i < len(r.tiers) {
				t := r.tiers[i]
				n := u.T("loyaltydesign.tier_n", "N", i+1)
				switch m[3] {
				case "name":
					return n + " · " + u.T("loyaltydesign.tier_name"), t.name
				case "threshold":
					return n + " · " + u.T("loyaltydesign.tier_threshold"), t.threshold
				case "multiplier_pct":
					return n + " · " + u.T("loyaltydesign.tier_pct"), t.pct
				}
				return n, t.name
			}
			if m[1] == "promotions" && i < len(r.promos) {
				pr := r.promos[i]
				n := u.T("loyaltydesign.promo_n", "N", i+1)
				switch m[3] {
				case "name":
					return n + " · " + u.T("loyaltydesign.promo_name"), pr.name
				case "from", "to":
					return n + " · " + u.T("loyaltydesign.promo_dates"), map[string]*Entry{"from": pr.from, "to": pr.to}[m[3]]
				case "weekdays":
					return n + " · " + u.T("loyaltydesign.promo_days"), nil
				case "start", "end":
					return n + " · " + u.T("loyaltydesign.promo_hours"), map[string]*Entry{"start": pr.start, "end": pr.end}[m[3]]
				case "multiplier_pct":
					return n + " · " + u.T("loyaltydesign.promo_pct"), pr.pct
				case "bonus":
					return n + " · " + u.T("loyaltydesign.promo_bonus"), pr.bonus
				}
				return n, pr.name
			}
		}
		switch field {
		case "name":
			return u.T("loyaltydesign.name"), r.name
		case "kind":
			return u.T("loyaltydesign.kind"), r.kind
		case "per_reward":
			return r.perRewardI.Text, r.perReward
		case "accrual":
			return u.T("loyaltydesign.accrual"), r.accrual
		case "per_unit":
			return r.perUnitI.Text, r.perUnit
		case "reward_text":
			return u.T("loyaltydesign.reward_text"), r.rewardText
		case "life.mode":
			return u.T("loyaltydesign.life"), r.life
		case "life.days":
			return u.T("loyaltydesign.life"), r.lifeDays
		case "tiers":
			return u.T("loyaltydesign.tiers"), nil
		case "promotions":
			return u.T("loyaltydesign.promos"), nil
		case "daily_cap":
			return u.T("loyaltydesign.daily_cap"), r.dailyCap
		case "cooldown_minutes":
			return u.T("loyaltydesign.cooldown"), r.cooldown
		case "pin_above":
			return u.T("loyaltydesign.pin_above"), r.pinAbove
		case "anonymise_after_days":
			return u.T("loyaltydesign.anonymise"), r.anonymise
		}
		return "", nil
	})
}
