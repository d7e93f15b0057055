package i18n

import (
	"testing"
	"testing/fstest"
)

// mapFS builds a translation directory "tr"; languages not given get "{}".
func mapFS(files map[Lang]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, l := range All {
		data, ok := files[l]
		if !ok {
			data = "{}"
		}
		fsys["tr/"+string(l)+".json"] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func mustLoad(t *testing.T, files map[Lang]string) *Catalog {
	t.Helper()
	c, err := Load(mapFS(files), "tr")
	if err != nil {
		t.Fatal(err)
	}
	return c
}
