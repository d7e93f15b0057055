package counter

import (
	"testing"

	"smartpoint/app/i18n"
	"smartpoint/app/i18n/i18ntest"
)

// Every error the core can return, and every event and status the screens
// show, must read well in every language.
func TestEveryCodeEventAndStatusIsTranslated(t *testing.T) {
	i18ntest.CheckCodes(t, nil)
	c := i18n.Default()
	var keys []string
	for _, k := range []string{EvPointSetup, EvPartnerSaved, EvCellsCreated, EvCellSaved, EvClerkCreated, EvClerkUpdated,
		EvClerkLoginFailed, EvClerkLocked, EvClerkLogin, EvShiftOpened, EvShiftClosed, EvManifestImported, EvManifestWithdrawn, EvDeliveryOpened,
		EvDeliveryClosed, EvParcelAccepted, EvParcelDuplicate, EvParcelIssued, EvParcelRefused, EvParcelExpired, EvParcelMoved,
		EvParcelBoxed, EvParcelUnboxed, EvParcelReturned, EvHandover, EvReturnBoxOpened, EvReturnHanded, EvInventoryStarted,
		EvInventoryDone, EvBackupMade, EvRestored, EvSettingsSaved} {
		keys = append(keys, "event."+k)
	}
	for _, st := range []Status{StatusExpected, StatusStored, StatusIssued, StatusToReturn, StatusBoxed, StatusReturned} {
		keys = append(keys, "status."+string(st))
	}
	for _, r := range RefuseReasons {
		keys = append(keys, "refuse."+r)
	}
	for _, l := range i18n.All {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}
