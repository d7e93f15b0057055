-- Per-card earning figures for the loyalty segments (app/loyalty segments.go, stats.go), kept
-- by a trigger on every accrual so that the segmentation reads one small row per card
-- instead of grouping the whole ledger (2,000,000 movements: about 0.5 s of a core, twice that
-- on a busy machine).
--
-- visits and earned cover the earning visits (amount > 0) whose visit_at is at or after the
-- stats window's start, loyalty_state 'stats_since' (ms); the loyalty sweep moves that start
-- forward (AgeStats), taking the visits it leaves behind off. lifetime is everything the card
-- ever earned; balance what is left of its lots (expired ones the sweep has not written off
-- yet included). Invariant (tested): for each card, the four equal the same aggregates of
-- loyalty_movements.
CREATE TABLE loyalty_card_stats (
    card_id  INTEGER PRIMARY KEY REFERENCES loyalty_cards(id),
    visits   INTEGER NOT NULL DEFAULT 0,
    earned   INTEGER NOT NULL DEFAULT 0,
    lifetime INTEGER NOT NULL DEFAULT 0,
    balance  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO loyalty_state(key, value) VALUES ('stats_since', '0')
    ON CONFLICT(key) DO UPDATE SET value = '0';

INSERT INTO loyalty_card_stats(card_id, visits, earned, lifetime, balance)
SELECT card_id, count(*) FILTER (WHERE kind = 'earn' AND amount > 0),
       coalesce(sum(amount) FILTER (WHERE kind = 'earn'), 0),
       coalesce(sum(amount) FILTER (WHERE kind = 'earn'), 0),
       coalesce(sum(remaining), 0)
FROM loyalty_movements GROUP BY card_id;

-- Movements are never deleted and only a lot's remaining and expiry change: inserts and
-- that one update are all there is to follow.
CREATE TRIGGER loyalty_card_stats_earn AFTER INSERT ON loyalty_movements
WHEN NEW.kind = 'earn' AND NEW.amount > 0
BEGIN
    INSERT INTO loyalty_card_stats(card_id, visits, earned, lifetime)
    SELECT NEW.card_id, in_window, in_window * NEW.amount, NEW.amount
    FROM (SELECT coalesce(NEW.visit_at, NEW.at) >= coalesce((SELECT CAST(value AS INTEGER) FROM loyalty_state
                                                             WHERE key = 'stats_since'), 0) AS in_window)
    WHERE true
    ON CONFLICT(card_id) DO UPDATE SET visits = visits + excluded.visits, earned = earned + excluded.earned,
                                       lifetime = lifetime + excluded.lifetime;
END;

CREATE TRIGGER loyalty_card_stats_lot AFTER INSERT ON loyalty_movements
WHEN NEW.remaining > 0
BEGIN
    INSERT INTO loyalty_card_stats(card_id, balance) VALUES (NEW.card_id, NEW.remaining)
    ON CONFLICT(card_id) DO UPDATE SET balance = balance + excluded.balance;
END;

CREATE TRIGGER loyalty_card_stats_spend AFTER UPDATE OF remaining ON loyalty_movements
WHEN coalesce(NEW.remaining, 0) <> coalesce(OLD.remaining, 0)
BEGIN
    UPDATE loyalty_card_stats SET balance = balance + coalesce(NEW.remaining, 0) - coalesce(OLD.remaining, 0)
    WHERE card_id = NEW.card_id;
END;
