package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
)

// initOptions are what `spctl init` collects, from flags or questions.
type initOptions struct {
	name, address, phone, hours string
	country, lang, partners     string
	owner, pin                  string
	racks, size                 string
	shelves, cells, capacity    int
}

var countries = []string{"KG", "KZ", "RU", "RS"}

// cmdInit is the first-run set-up. Missing required values are asked for
// when stdin is a terminal (the guided mode `make run` starts until the
// desktop UI exists); scripts pass flags.
func (c *cli) cmdInit(args []string) error {
	fs := c.flags("init")
	var o initOptions
	fs.StringVar(&o.name, "name", "", "")
	fs.StringVar(&o.address, "address", "", "")
	fs.StringVar(&o.phone, "phone", "", "")
	fs.StringVar(&o.hours, "hours", "", "")
	fs.StringVar(&o.country, "country", "", "")
	fs.StringVar(&o.lang, "lang", "", "")
	fs.StringVar(&o.partners, "partners", "", "")
	fs.StringVar(&o.owner, "owner", "", "")
	fs.StringVar(&o.pin, "pin", "", "")
	fs.StringVar(&o.racks, "racks", "A-D", "")
	fs.IntVar(&o.shelves, "shelves", 5, "")
	fs.IntVar(&o.cells, "cells", 10, "")
	fs.StringVar(&o.size, "size", "M", "")
	fs.IntVar(&o.capacity, "capacity", 3, "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if o.pin == "" {
		o.pin = firstNonEmpty(c.pin, c.env("SMARTPOINT_PIN"))
		given["pin"] = o.pin != ""
	}

	missing := o.missing()
	if len(missing) > 0 && !c.interactive {
		return usage("cli.err.missing_flags", "Flags", strings.Join(missing, ", "))
	}
	svc, err := c.service(false)
	if err != nil {
		return err
	}
	if done, err := svc.IsSetUp(c.ctx); err != nil {
		return dbError{err}
	} else if done {
		return errs.New(counter.ErrSetupDone)
	}
	if len(missing) > 0 {
		if err := c.guide(&o, given); err != nil {
			return err
		}
	}
	req, err := o.request()
	if err != nil {
		return err
	}
	sess, err := svc.Setup(c.ctx, req)
	if err != nil {
		return err
	}
	return c.initSummary(svc, sess)
}

func (o *initOptions) missing() []string {
	var out []string
	for _, f := range []struct{ flag, v string }{{"--name", o.name}, {"--country", o.country}, {"--owner", o.owner}, {"--pin", o.pin}} {
		if strings.TrimSpace(f.v) == "" {
			out = append(out, f.flag)
		}
	}
	return out
}

// request validates the command-line values and builds the set-up.
func (o *initOptions) request() (counter.SetupRequest, error) {
	o.country = strings.ToUpper(strings.TrimSpace(o.country))
	if err := choice("country", o.country, countries...); err != nil {
		return counter.SetupRequest{}, err
	}
	if o.lang == "" {
		o.lang = defaultPointLang(o.country)
	}
	l, ok := i18n.Parse(o.lang)
	if !ok {
		return counter.SetupRequest{}, usage("cli.err.bad_lang", "Value", o.lang)
	}
	req := counter.SetupRequest{
		Point: counter.Point{Name: o.name, Address: o.address, Phone: o.phone, Hours: o.hours,
			Country: o.country, Language: string(l)},
		Partners:  splitList(strings.ToLower(o.partners)),
		OwnerName: o.owner,
		OwnerPIN:  o.pin,
	}
	if strings.TrimSpace(o.racks) != "" && o.racks != "-" {
		req.Layout = &counter.Layout{Racks: o.racks, Shelves: o.shelves, Cells: o.cells,
			Size: strings.ToUpper(o.size), Capacity: o.capacity}
	}
	return req, nil
}

// defaultPointLang is the language a point of that country most likely
// works in: Russian is the lingua franca of the counters in KG and KZ.
func defaultPointLang(country string) string {
	if country == "RS" {
		return string(i18n.SR)
	}
	return string(i18n.RU)
}

// splitList reads "wb, ozon" as [wb ozon]; empty gives nil.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// guide asks every question the flags did not answer, with the current
// value as the default in brackets, and checks each answer on the spot.
func (c *cli) guide(o *initOptions, given map[string]bool) error {
	fmt.Fprintln(c.stderr, c.p.T("cli.ask.intro"))
	text := func(flag, key string, dst *string, required bool) error {
		if given[flag] {
			return nil
		}
		for {
			v, err := c.ask(key, *dst)
			if err != nil {
				return err
			}
			if v != "" || !required {
				*dst = v
				return nil
			}
			c.line(c.stderr, "cli.ask.required")
		}
	}
	for _, q := range []struct {
		flag, key string
		dst       *string
		required  bool
	}{
		{"name", "cli.ask.name", &o.name, true},
		{"address", "cli.ask.address", &o.address, false},
		{"phone", "cli.ask.phone", &o.phone, false},
		{"hours", "cli.ask.hours", &o.hours, false},
	} {
		if err := text(q.flag, q.key, q.dst, q.required); err != nil {
			return err
		}
	}
	if err := c.askCountry(o, given); err != nil {
		return err
	}
	if err := c.askLangAndPartners(o, given); err != nil {
		return err
	}
	if err := text("owner", "cli.ask.owner", &o.owner, true); err != nil {
		return err
	}
	if !given["pin"] {
		if err := c.askNewPIN(&o.pin); err != nil {
			return err
		}
	}
	return c.askLayout(o, given)
}

func (c *cli) askCountry(o *initOptions, given map[string]bool) error {
	if given["country"] {
		return nil
	}
	if o.country == "" {
		o.country = "KG"
	}
	for {
		v, err := c.ask("cli.ask.country", o.country)
		if err != nil {
			return err
		}
		if v = strings.ToUpper(v); slices.Contains(countries, v) {
			o.country = v
			return nil
		}
		c.line(c.stderr, "cli.err.bad_choice", "Flag", "--country", "Value", v, "Choices", strings.Join(countries, ", "))
	}
}

func (c *cli) askLangAndPartners(o *initOptions, given map[string]bool) error {
	if !given["lang"] {
		if o.lang == "" {
			o.lang = defaultPointLang(o.country)
		}
		for {
			v, err := c.ask("cli.ask.lang", o.lang)
			if err != nil {
				return err
			}
			if l, ok := i18n.Parse(v); ok {
				o.lang = string(l)
				break
			}
			c.line(c.stderr, "cli.err.bad_lang", "Value", v)
		}
	}
	if given["partners"] {
		return nil
	}
	defs, err := counter.DefaultPartners()
	if err != nil {
		return err
	}
	var known, forCountry []string
	for _, d := range defs {
		known = append(known, d.Code)
		if slices.Contains(d.Countries, o.country) {
			forCountry = append(forCountry, d.Code)
		}
	}
	fmt.Fprintln(c.stderr, c.p.T("cli.ask.partners_known", "List", strings.Join(known, ", ")))
	for {
		v, err := c.ask("cli.ask.partners", strings.Join(forCountry, ","))
		if err != nil {
			return err
		}
		bad := slices.DeleteFunc(splitList(strings.ToLower(v)), func(code string) bool { return slices.Contains(known, code) })
		if len(bad) == 0 {
			o.partners = v
			return nil
		}
		fmt.Fprintln(c.stderr, c.p.Err(errs.New(counter.ErrPartner, "Partner", strings.Join(bad, ", "))))
	}
}

// askNewPIN asks for a PIN twice. The answer is visible on the screen:
// the standard library cannot switch the terminal's echo off.
func (c *cli) askNewPIN(dst *string) error {
	fmt.Fprintln(c.stderr, c.p.T("cli.ask.pin_visible"))
	for {
		pin, err := c.ask("cli.ask.pin", "")
		if err != nil {
			return err
		}
		if err := counter.ValidatePIN(pin); err != nil {
			fmt.Fprintln(c.stderr, c.p.Err(err))
			continue
		}
		again, err := c.ask("cli.ask.pin_again", "")
		if err != nil {
			return err
		}
		if again != pin {
			c.line(c.stderr, "cli.ask.pin_mismatch")
			continue
		}
		*dst = pin
		return nil
	}
}

func (c *cli) askLayout(o *initOptions, given map[string]bool) error {
	if !given["racks"] {
		v, err := c.ask("cli.ask.racks", o.racks)
		if err != nil {
			return err
		}
		o.racks = v
	}
	if o.racks == "" || o.racks == "-" {
		return nil
	}
	for _, q := range []struct {
		flag, key string
		dst       *int
	}{
		{"shelves", "cli.ask.shelves", &o.shelves},
		{"cells", "cli.ask.cells", &o.cells},
	} {
		if err := c.askInt(given[q.flag], q.key, q.dst); err != nil {
			return err
		}
	}
	if !given["size"] {
		for {
			v, err := c.ask("cli.ask.size", o.size)
			if err != nil {
				return err
			}
			if v = strings.ToUpper(v); slices.Contains(counter.Sizes, v) {
				o.size = v
				break
			}
			c.line(c.stderr, "cli.err.bad_choice", "Flag", "--size", "Value", v, "Choices", strings.Join(counter.Sizes, ", "))
		}
	}
	return c.askInt(given["capacity"], "cli.ask.capacity", &o.capacity)
}

func (c *cli) askInt(given bool, key string, dst *int) error {
	if given {
		return nil
	}
	for {
		v, err := c.ask(key, strconv.Itoa(*dst))
		if err != nil {
			return err
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			*dst = n
			return nil
		}
		c.line(c.stderr, "cli.err.not_number", "Value", v)
	}
}

// initResult is `spctl init --json`'s result.
type initResult struct {
	Point    counter.Point `json:"point"`
	Owner    string        `json:"owner"`
	Partners []string      `json:"partners"`
	Cells    int           `json:"cells"`
	DB       string        `json:"db"`
}

func (c *cli) initSummary(svc *counter.Service, sess *counter.Session) error {
	point, err := svc.PointProfile(c.ctx)
	if err != nil {
		return err
	}
	partners, err := svc.Partners(c.ctx)
	if err != nil {
		return err
	}
	cells, err := svc.Cells(c.ctx)
	if err != nil {
		return err
	}
	res := initResult{Point: point, Owner: sess.Name(), Cells: len(cells), DB: c.dbPath, Partners: []string{}}
	var names []string
	for _, p := range partners {
		if p.Active {
			res.Partners = append(res.Partners, p.Code)
			names = append(names, p.Name)
		}
	}
	c.result(res, func(w io.Writer) {
		c.line(w, "cli.init.done", "Name", point.Name, "Country", point.Country, "Currency", point.Currency)
		c.line(w, "cli.init.owner", "Name", sess.Name())
		c.line(w, "cli.init.partners", "List", strings.Join(names, ", "))
		c.line(w, "cli.init.cells", "Count", len(cells))
		c.line(w, "cli.init.db", "Path", c.dbPath)
		c.line(w, "cli.init.next", "Clerk", sess.Name())
	})
	return nil
}
