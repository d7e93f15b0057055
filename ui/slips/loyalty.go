package slips

import (
	"cmp"
	"strconv"

	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
	"smartpoint/device/receipt"
)

// CardSlip is a member's card on receipt paper: for a customer without a
// phone to keep the picture on, or a new card after a lost one. The QR is
// the signed card code the counter reads back; the printed code is what a
// clerk can type when the QR is worn.
func CardSlip(c Context, card loyalty.Card, qr string, d loyaltycard.Design) receipt.Doc {
	doc := receipt.New()
	c.head(doc, d.Title)
	if card.Name != "" {
		doc.Center(card.Name)
	}
	if card.MaskedPhone != "" {
		doc.Center(card.MaskedPhone)
	}
	doc.Feed(1)
	balance(c, doc, card, d)
	doc.Feed(1)
	doc.QR(qr)
	doc.Styled(receipt.Text{Text: loyalty.FormatCode(card.Code), Align: centre, Bold: true})
	doc.Feed(1)
	// The programme's reward is what the customer gets; the design's
	// line is its poster text.
	if reward := cmp.Or(card.RewardText, d.Reward); reward != "" {
		doc.Center(c.P.T("slip.loyalty.reward", "Reward", reward))
	}
	if d.Terms != "" {
		doc.Rule()
		doc.Text(d.Terms)
	}
	c.foot(doc)
	return *doc
}

// RewardSlip confirms a reward handed out: what, on which card, what is
// left, and who approved it when a manager had to.
func RewardSlip(c Context, card loyalty.Card, r loyalty.Redemption, d loyaltycard.Design) receipt.Doc {
	doc := receipt.New()
	c.head(doc, c.P.T("slip.loyalty.reward_title"))
	doc.Styled(receipt.Text{Text: r.Reward, Align: centre, Bold: true})
	doc.Feed(1)
	doc.Pair(c.P.T("slip.loyalty.card"), loyalty.FormatCode(card.Code))
	if card.MaskedPhone != "" {
		doc.Pair(c.P.T("slip.loyalty.phone"), card.MaskedPhone)
	}
	balance(c, doc, card, d)
	c.foot(doc)
	return *doc
}

// balance is a card's standing: stamps drawn in ASCII (any code page
// prints them) or points, and what a next reward needs.
func balance(c Context, doc *receipt.Doc, card loyalty.Card, d loyaltycard.Design) {
	if card.Kind == loyalty.KindStamp {
		st := loyalty.CardState(card, "", 0)
		doc.Center(loyaltycard.StampsLineASCII(d, st.Stamps))
		doc.Center(c.P.T("slip.loyalty.stamps", "Have", strconv.Itoa(st.Stamps), "Of", strconv.Itoa(card.PerReward)))
	} else {
		doc.PairDots(c.P.T("slip.loyalty.points"), strconv.Itoa(card.Balance))
	}
	if card.RewardsAvailable > 0 {
		doc.Styled(receipt.Text{Text: c.P.N("slip.loyalty.rewards", card.RewardsAvailable), Align: centre, Bold: true})
	} else if card.ToNextReward > 0 {
		doc.Center(c.P.N("slip.loyalty.to_next", card.ToNextReward))
	}
}
