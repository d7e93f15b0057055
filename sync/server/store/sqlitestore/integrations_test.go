package sqlitestore

import (
	"testing"

	"smartpoint/sync/server/store/storetest"
)

func TestIntegrations(t *testing.T) { storetest.RunIntegrations(t, open) }
