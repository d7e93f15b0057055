package i18n

import (
	"bytes"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// TimeLayout is how time.Time arguments appear in messages (local time).
const TimeLayout = "02.01.2006 15:04"

// message is one key of one language: a plain text (stored as the
// "other" form) or a set of CLDR plural forms.
type message struct {
	plural bool
	forms  map[string]*text
}

// text is one translatable string, pre-parsed when it is a template.
type text struct {
	src    string
	tmpl   *template.Template // nil when src has no "{{": go-i18n does the same
	fields []string           // top-level {{.Name}} placeholders, sorted
}

func newText(key, src string) (*text, error) {
	t := &text{src: src}
	if !strings.Contains(src, "{{") {
		return t, nil
	}
	tmpl, err := template.New(key).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, err
	}
	t.tmpl = tmpl
	seen := map[string]bool{}
	for _, tt := range tmpl.Templates() {
		if tt.Tree != nil {
			collectFields(tt.Tree.Root, seen)
		}
	}
	for f := range seen {
		t.fields = append(t.fields, f)
	}
	slices.Sort(t.fields)
	return t, nil
}

// collectFields records the first identifier of every .Field reference.
func collectFields(n parse.Node, seen map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collectFields(c, seen)
		}
	case *parse.ActionNode:
		collectFields(n.Pipe, seen)
	case *parse.IfNode:
		collectBranch(&n.BranchNode, seen)
	case *parse.RangeNode:
		collectBranch(&n.BranchNode, seen)
	case *parse.WithNode:
		collectBranch(&n.BranchNode, seen)
	case *parse.TemplateNode:
		collectFields(n.Pipe, seen)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			collectFields(c, seen)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			collectFields(a, seen)
		}
	case *parse.ChainNode:
		collectFields(n.Node, seen)
	case *parse.FieldNode:
		seen[n.Ident[0]] = true
	}
}

func collectBranch(b *parse.BranchNode, seen map[string]bool) {
	collectFields(b.Pipe, seen)
	collectFields(b.List, seen)
	collectFields(b.ElseList, seen)
}

// render executes the text with args. ok is false when execution fails
// (e.g. a method call on the wrong type); callers then show the key.
func (t *text) render(args map[string]any) (s string, ok bool) {
	if t.tmpl == nil {
		return t.src, true
	}
	data := make(map[string]any, len(args)+len(t.fields))
	for k, v := range args {
		data[k] = argValue(v)
	}
	// missingkey=zero still prints "<no value>" for a map[string]any,
	// so every placeholder gets an explicit empty string.
	for _, f := range t.fields {
		if data[f] == nil {
			data[f] = ""
		}
	}
	var b bytes.Buffer
	if err := t.tmpl.Execute(&b, data); err != nil {
		return "", false
	}
	return b.String(), true
}

// argValue formats values that would otherwise print in Go syntax.
func argValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Local().Format(TimeLayout)
	case *time.Time:
		if v == nil {
			return ""
		}
		return argValue(*v)
	}
	return v
}
