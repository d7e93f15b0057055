package clienttest

import (
	"bytes"
	"io"
	"net/http"
)

// body is a request body read once, to be delivered again.
type body []byte

func readAll(r *http.Request) body {
	b, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	return b
}

func (b body) reader() io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
