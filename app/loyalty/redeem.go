package loyalty

import (
	"context"
	"fmt"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// Redemption is a reward handed out.
type Redemption struct {
	Card             string `json:"card"`
	Customer         string `json:"customer"`
	Movement         string `json:"movement"`
	Amount           int    `json:"amount"` // stamps or points taken
	Balance          int    `json:"balance"`
	RewardsAvailable int    `json:"rewards_available"`
	Reward           string `json:"reward"`
	ApprovedBy       int64  `json:"approved_by,omitempty"` // the manager who confirmed, if one had to
}

// Redeem hands out one reward: N stamps (on a stamp card that resets, the
// stamps beyond the completed card go too) or the reward's price in
// points, taken from the lots that expire soonest. The clerk on shift
// redeems and stays attributed; above the programme's PINAbove a manager
// confirms with their PIN (managerPIN; a manager's own session needs
// none) and is recorded as the approver. A short balance is
// ErrBalanceShort and changes nothing.
func (s *Service) Redeem(ctx context.Context, sess *counter.Session, cardCode, managerPIN string) (Redemption, error) {
	if err := onShift(sess); err != nil {
		return Redemption{}, err
	}
	// Check what can be checked before asking for (and logging) a PIN.
	card, err := cardByCode(ctx, s.r(), cardCode)
	if err != nil {
		return Redemption{}, err
	}
	if card.status != CardActive {
		return Redemption{}, errs.New(ErrCardRevoked, "Card", FormatCode(card.code))
	}
	p, err := loadProgramme(ctx, s.r(), card.programmeID)
	if err != nil {
		return Redemption{}, err
	}
	view, err := cardView(ctx, s.r(), card.id, s.svc.Now())
	if err != nil {
		return Redemption{}, err
	}
	if view.Balance < p.PerReward {
		return Redemption{}, errs.New(ErrBalanceShort, "Need", p.PerReward, "Have", view.Balance)
	}
	approver, err := s.approve(ctx, sess, p, p.redeemAmount(view.Balance), card, managerPIN)
	if err != nil {
		return Redemption{}, err
	}
	var out Redemption
	err = s.write(ctx, sess, func(w *writer) error {
		card, err := w.activeCard(card.code)
		if err != nil {
			return err
		}
		p, err := loadProgramme(ctx, w.q(), card.programmeID) // as it is now
		if err != nil {
			return err
		}
		if _, err := w.expireDue(card); err != nil {
			return err
		}
		have, err := w.balance(card.id)
		if err != nil {
			return err
		}
		if have < p.PerReward {
			return errs.New(ErrBalanceShort, "Need", p.PerReward, "Have", have)
		}
		amount := p.redeemAmount(have)
		if approver == 0 && p.PINAbove > 0 && amount > p.PINAbove {
			// The balance grew since the check: the approval no longer covers it.
			return errs.New(ErrPINRequired, "Amount", amount, "Limit", p.PINAbove)
		}
		uuid, spent, left, err := w.spend(movement{card: card, kind: MoveRedeem, approvedBy: approver}, amount)
		if err != nil {
			return err
		}
		if err := w.touch(card, p, w.nowMs()); err != nil {
			return err
		}
		out = Redemption{Card: card.code, Customer: card.customerUUID, Movement: uuid, Amount: amount, Balance: left,
			RewardsAvailable: p.rewardsIn(left), Reward: p.RewardText, ApprovedBy: approver}
		return w.emit(EvRewardRedeemed, cardEntity(card.uuid), rewardRedeemed{Card: card.uuid, Customer: card.customerUUID,
			Movement: uuid, Amount: amount, Balance: left, Reward: p.RewardText, ApprovedBy: approver, Lots: spent})
	})
	if err != nil {
		return Redemption{}, fmt.Errorf("redeem %s: %w", FormatCode(card.code), err)
	}
	return out, nil
}
