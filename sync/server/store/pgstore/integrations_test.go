package pgstore

import (
	"testing"

	"smartpoint/sync/server/store/storetest"
)

func TestIntegrations(t *testing.T) {
	adminDSN(t) // skips the whole suite, once, without a server
	storetest.RunIntegrations(t, open)
}
