package main

import (
	"context"
	"io"
	"strconv"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// cmdClerk manages staff accounts. Roles are enforced by the core: the
// logged-in clerk (--clerk/--pin) must be allowed to do it.
func (c *cli) cmdClerk(args []string) error {
	sub, args, err := subcommand(args, "add", "list", "disable", "enable", "set-pin")
	if err != nil {
		return err
	}
	fs := c.flags("clerk")
	var name, role, pin string
	if sub != "list" {
		fs.StringVar(&name, "name", "", "")
	}
	if sub == "add" {
		fs.StringVar(&role, "role", string(counter.RoleClerk), "")
	}
	if sub == "add" || sub == "set-pin" {
		fs.StringVar(&pin, "pin", "", "")
	}
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if sub == "list" {
		return c.clerkList()
	}
	var missing []string
	if strings.TrimSpace(name) == "" {
		missing = append(missing, "--name")
	}
	if (sub == "add" || sub == "set-pin") && pin == "" {
		missing = append(missing, "--pin")
	}
	if len(missing) > 0 {
		return usage("cli.err.missing_flags", "Flags", strings.Join(missing, ", "))
	}
	if sub == "add" {
		if err := choice("role", role, string(counter.RoleClerk), string(counter.RoleManager), string(counter.RoleOwner)); err != nil {
			return err
		}
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	if sub == "add" {
		cl, err := svc.CreateClerk(c.ctx, sess, name, counter.Role(role), pin)
		if err != nil {
			return err
		}
		c.result(cl, func(w io.Writer) {
			c.line(w, "cli.clerk.added", "Name", cl.Name, "Role", c.p.T("cli.role."+string(cl.Role)))
		})
		return nil
	}
	target, err := c.findClerk(svc, name)
	if err != nil {
		return err
	}
	var key string
	switch sub {
	case "disable", "enable":
		err = svc.SetClerkActive(c.ctx, sess, target.ID, sub == "enable")
		key = "cli.clerk." + sub + "d"
		target.Active = sub == "enable"
	case "set-pin":
		err = svc.SetPIN(c.ctx, sess, target.ID, pin)
		key = "cli.clerk.pin_set"
	}
	if err != nil {
		return err
	}
	c.result(target, func(w io.Writer) { c.line(w, key, "Name", target.Name) })
	return nil
}

// findClerk looks an account up by name, ignoring case and extra spaces.
func (c *cli) findClerk(svc *counter.Service, name string) (counter.Clerk, error) {
	all, err := svc.Clerks(c.ctx)
	if err != nil {
		return counter.Clerk{}, err
	}
	want := strings.Join(strings.Fields(name), " ")
	for _, cl := range all {
		if strings.EqualFold(cl.Name, want) {
			return cl, nil
		}
	}
	return counter.Clerk{}, errs.New(counter.ErrUnknownClerk, "Name", want)
}

// clerkList shows the accounts; it needs no login: the names are what
// one logs in with, and PIN hashes are never listed.
func (c *cli) clerkList() error {
	return listTable(c, (*counter.Service).Clerks, []string{"cli.col.name", "cli.col.role", "cli.col.active", "cli.col.locked"},
		func(cl counter.Clerk) []string {
			return []string{cl.Name, c.p.T("cli.role." + string(cl.Role)), c.yesNo(cl.Active), when(cl.LockedUntil)}
		}, nil)
}

// cmdPartners lists the partners and whether each is enabled.
func (c *cli) cmdPartners(args []string) error {
	if _, args, err := subcommand(args, "list"); err != nil {
		return err
	} else if pos, err := c.parse(c.flags("partners"), args); err != nil {
		return err
	} else if err := noArgs(pos); err != nil {
		return err
	}
	return listTable(c, (*counter.Service).Partners,
		[]string{"cli.col.code", "cli.col.partner", "cli.col.active", "cli.col.storage_days", "cli.col.countries"},
		func(p counter.Partner) []string {
			return []string{p.Code, p.Name, c.yesNo(p.Active), strconv.Itoa(p.StorageDays), strings.Join(p.Countries, ",")}
		}, nil)
}

// cmdCells creates cells from a rack layout or lists them.
func (c *cli) cmdCells(args []string) error {
	sub, args, err := subcommand(args, "generate", "list")
	if err != nil {
		return err
	}
	fs := c.flags("cells")
	var l counter.Layout
	if sub == "generate" {
		fs.StringVar(&l.Racks, "racks", "", "")
		fs.IntVar(&l.Shelves, "shelves", 5, "")
		fs.IntVar(&l.Cells, "cells", 10, "")
		fs.StringVar(&l.Size, "size", "M", "")
		fs.IntVar(&l.Capacity, "capacity", 3, "")
	}
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if sub == "list" {
		return c.cellList()
	}
	if l.Racks == "" {
		return usage("cli.err.missing_flags", "Flags", "--racks")
	}
	l.Size = strings.ToUpper(l.Size)
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	n, err := svc.GenerateCells(c.ctx, sess, l)
	if err != nil {
		return err
	}
	c.result(map[string]any{"created": n, "layout": l}, func(w io.Writer) {
		c.line(w, "cli.cells.created", "Count", n)
	})
	return nil
}

func (c *cli) cellList() error {
	return listTable(c, (*counter.Service).Cells,
		[]string{"cli.col.cell", "cli.col.size", "cli.col.capacity", "cli.col.occupied", "cli.col.active"},
		func(cl counter.Cell) []string {
			return []string{cl.Label, cl.Size, strconv.Itoa(cl.Capacity), strconv.Itoa(cl.Occupied), c.yesNo(cl.Active)}
		}, func(w io.Writer, n int) { c.line(w, "cli.cells.count", "Count", n) })
}

// listTable prints one of the core's lists (no login needed) as a table,
// or as a JSON array (never null) with --json; footer may add a last line.
func listTable[T any](c *cli, list func(*counter.Service, context.Context) ([]T, error), headers []string,
	row func(T) []string, footer func(w io.Writer, n int)) error {
	svc, err := c.service(true)
	if err != nil {
		return err
	}
	items, err := list(svc, c.ctx)
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	c.result(items, func(w io.Writer) {
		t := c.table(w, headers...)
		for _, it := range items {
			t.row(row(it)...)
		}
		t.flush()
		if footer != nil {
			footer(w, len(items))
		}
	})
	return nil
}
