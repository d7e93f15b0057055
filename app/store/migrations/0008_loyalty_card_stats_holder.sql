-- The holder of each card in its per-card figures (0006), so that the segments read who holds
-- a card with its figures, not in another pass over every card. Triggers keep it: a new row
-- takes its card's holder, and a card that changes hands (a merge) takes its figures along.
ALTER TABLE loyalty_card_stats ADD COLUMN customer_id INTEGER;

UPDATE loyalty_card_stats SET customer_id = (SELECT customer_id FROM loyalty_cards WHERE id = card_id);

CREATE TRIGGER loyalty_card_stats_new_holder AFTER INSERT ON loyalty_card_stats
BEGIN
    UPDATE loyalty_card_stats SET customer_id = (SELECT customer_id FROM loyalty_cards WHERE id = NEW.card_id)
    WHERE card_id = NEW.card_id;
END;

CREATE TRIGGER loyalty_card_stats_holder AFTER UPDATE OF customer_id ON loyalty_cards
BEGIN
    UPDATE loyalty_card_stats SET customer_id = NEW.customer_id WHERE card_id = NEW.id;
END;
