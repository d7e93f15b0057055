// Package loyalty is the pickup point's own loyalty programme: the
// programme's rules, members (customers) and their cards, and the ledger
// of stamps or points. The counter window and the card designer are built
// on it; it imports no UI, network or device code.
//
// # A ledger, not a counter
//
// A card's balance is never stored. Every stamp, point, redemption,
// adjustment, expiry and transfer is a row of loyalty_movements (signed
// amount) written in the same transaction as its event in the counter's
// append-only log (counter.Service.Extend), so the balance is the sum of a
// card's movements and the log can always explain it. A number that is
// updated in place drifts, and an offline counter that retries cannot tell
// whether its first attempt counted; a ledger can.
//
// # Idempotency by pickup
//
// Each accrual carries a key, unique over the whole ledger: for a pickup,
// "handover:" + the handover number (AccrueForHandover, CatchUp). The same
// key again returns the first result and writes nothing, so a retried
// click, a replay, or CatchUp after a crash between the commit and
// its accrual never stamps twice. An accrual the daily cap or the cooldown
// refused is still recorded (an earn of 0 under its key), so retrying it
// later cannot get round the rule.
//
// # Lots
//
// A positive movement (earn, positive adjust, transfer in) is a lot: it
// keeps what is left of it (remaining) and when that expires (expires_at:
// after a fixed period, or — for programmes whose stamps live while the
// card is used — pushed forward at each visit). A negative movement
// (redeem, expire, reverse, negative adjust, transfer out) draws from the
// card's lots, soonest expiry first and oldest first among equals, and
// records which lots it drew from in loyalty_movement_lots. Hence for every
// card: Σ amount = Σ remaining ≥ 0. Expiry writes off due lots as one
// movement per card; every action on a card expires its due lots first, so
// nothing expired is ever spent even before the sweep (Expire) runs.
//
// A lost card is revoked and a new one issued (Reissue); its balance moves
// as a transfer out of the old card and transfer lots into the new one,
// one per expiry date, so both ledgers stay whole and the stamps keep their
// life. Merging duplicates moves cards the same way.
//
// # Roles live here
//
// Every operation checks the session's role itself, as the counter does,
// so a UI bug or a script cannot bypass it: a clerk enrols, accrues,
// redeems (on shift, attributed to them) and re-issues a lost card; a
// manager or owner saves the programme, adjusts, reverses, merges, exports
// and anonymises. Redeeming more than the programme's PINAbove needs a
// manager: their session, or their PIN typed at the clerk's counter (the
// clerk stays attributed, the manager is recorded as approver; wrong PINs
// are logged and rate-limited). The system (nil session) expires lots,
// catches up handovers and anonymises inactive customers.
//
// # Personal data
//
// A customer's phone (E.164, shown masked) and name are stored only in
// loyalty_customers. Events carry customer and card ids and the masked
// phone, never the phone or name, so Anonymise really erases a person even
// though the log is append-only; the movements stay for the totals.
//
// # Events
//
// Entities are "customer:<uuid>", "card:<uuid>" and "programme:<uuid>";
// times are RFC 3339. Payloads (JSON):
//
//	loyalty.programme_saved      {programme: Programme, before?: Programme}
//	loyalty.customer_created     {customer, masked_phone, consent_at, consent_clerk_id}
//	loyalty.card_issued          {card, code, customer, programme, reason: enrol|reissue, replaces?}
//	loyalty.card_revoked         {card, code, customer, reason: lost|merged|anonymised, replaced_by?}
//	loyalty.stamp_earned         {card, customer, movement, key, ref?, amount, requested, balance,
//	loyalty.points_earned         rewards_available, visit_at, parcels, clerk_id, shift_id,
//	                              detail: {base, tier, tier_pct, promotion, promo_pct, bonus, requested,
//	                              cap_hit, cooldown, cooldown_until, new_rewards, lifetime_before}}
//	loyalty.reward_earned        {card, customer, rewards, rewards_available, reward}
//	loyalty.reward_redeemed      {card, customer, movement, amount, balance, reward, approved_by?, lots: [{lot, amount}]}
//	loyalty.adjusted             {card, customer, movement, amount, balance, reason, lots?}
//	loyalty.reversed             {card, customer, movement, amount, balance, reason, key, lots}
//	loyalty.expired              {card, customer, movement, amount, balance, reason: expired|anonymised, lots}
//	loyalty.transferred          {from, to, customer, amount, reason: lost|merged, movements: [out, in…]}
//	loyalty.customer_merged      {keep, drop, cards, transferred}
//	loyalty.customer_anonymised  {customer, reason: request|inactive, forfeit}
//	loyalty.customer_exported    {customer}
//	loyalty.approval_failed      {card, amount}   (entity clerk:<id>: a wrong manager PIN)
//	loyalty.data_exported        {what: customers|movements, rows, complete, full_phones?, segment?, from?, to?}
//	loyalty.design_saved         {title, stamps, stamp_icon, logo}
//	loyalty.card_key_created     {public}   (the point's card-checking key)
//
// Every ledger row is named by its uuid in exactly one event (its
// "movement" field, or transferred.movements); lots name the rows a spend
// drew from.
//
// # Webhooks
//
// Sync will serve these as webhooks: customer.created ← customer_created;
// card.issued ← card_issued; stamp.earned ← stamp_earned and points_earned
// with amount > 0; reward.earned ← reward_earned; reward.redeemed ←
// reward_redeemed; points.expiring is not an event but the Expiring query
// (lots expiring within a window), sent as {card, code, customer,
// masked_phone, amount, expires_at}.
package loyalty
