#!/usr/bin/env bash
# Smoke test of the real counter window: builds nothing (make smoke builds),
# starts bin/smartpoint under Xvfb on a fresh database, drives it with
# xdotool like a clerk with a keyboard-wedge scanner (log in, open the
# shift, accept a parcel by typing its scan, issue it to its customer),
# then checks the database with sqlite3 and saves screenshots.
#
# SP_SCREENSHOTS=1 also visits every screen and writes
# docs/screenshots/<screen>.png (1366×768, the typical counter PC).
# Needs: xvfb xauth xdotool imagemagick sqlite3 (scripts/deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d)
trap '[ -n "${SP_KEEP:-}" ] || rm -rf "$WORK"' EXIT
SHOTS=${SP_SHOT_DIR:-$WORK/shots}
[ "${SP_SCREENSHOTS:-}" = 1 ] && SHOTS=$ROOT/docs/screenshots
mkdir -p "$SHOTS"
export SMARTPOINT_DB=$WORK/counter.db LANGUAGE=ru SMARTPOINT_LANG=ru
PIN=4827
TRACK=RA000000178KG   # a kgpost (UPU S10) track with a valid check digit

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
for tool in xvfb-run xdotool import sqlite3; do
  command -v $tool >/dev/null || fail "$tool is missing (run scripts/deps.sh)"
done

# A point with one expected parcel, set up with the admin CLI.
./bin/spctl init --name "ПВЗ Смоук" --country KG --owner "Айгуль" --pin $PIN \
  --racks A-D --shelves 4 --cells 8 --capacity 3 >/dev/null
if [ "${SP_SCREENSHOTS:-}" = 1 ]; then   # a living point for the pictures
  SMARTPOINT_CLERK=Айгуль SMARTPOINT_PIN=$PIN ./bin/spctl demo --parcels 300 >/dev/null
fi
printf 'Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n%s;Жылдыз Смоук;0555 000 111;S;0;12345678*4321\n' "$TRACK" > "$WORK/m.csv"
SMARTPOINT_CLERK=Айгуль SMARTPOINT_PIN=$PIN ./bin/spctl import-manifest --partner kgpost "$WORK/m.csv" >/dev/null

# A receipt printer that prints to a file, and the receipt printed with
# every issue: the smoke test reads what the printer would have received.
RECEIPT=$WORK/receipt.bin
sqlite3 "$SMARTPOINT_DB" "INSERT INTO meta(key,value) VALUES('app.devices','{\"version\":1,\"printers\":[{\"role\":\"receipt\",\"id\":\"receipt-1\",\"name\":\"POS-58\",\"kind\":\"receipt\",\"preset\":\"generic-pos-58\",\"transport\":{\"kind\":\"file\",\"address\":\"$RECEIPT\"},\"receipt\":{\"family\":\"clone\",\"columns\":32,\"dots\":384,\"code_page\":\"cp866\",\"qr\":\"raster\"}}]}')
  ON CONFLICT(key) DO UPDATE SET value=excluded.value;
  INSERT INTO meta(key,value) VALUES('app.settings','{\"idle_lock_minutes\":10,\"sound\":true,\"auto_delivery\":true,\"receipt_print\":\"always\"}')
  ON CONFLICT(key) DO UPDATE SET value=excluded.value;"

cat > "$WORK/drive.sh" <<DRIVE
#!/usr/bin/env bash
set -euo pipefail
shot() { sleep 0.6; import -window root "$SHOTS/\$1.png"; }
key() { xdotool key --clearmodifiers "\$@"; sleep 0.4; }
scan() { xdotool type --delay 4 "\$1"; xdotool key Return; sleep 0.6; }   # a wedge scanner: fast keys + Enter
slow() { xdotool type --delay 150 "\$1"; }                                # a person
"$ROOT/bin/smartpoint" > "$WORK/app.log" 2>&1 & APP=\$!
for i in \$(seq 1 100); do xdotool search --name SmartPoint >/dev/null 2>&1 && break; sleep 0.1; done
WID=\$(xdotool search --name SmartPoint | head -1)
xdotool windowsize \$WID 1366 768 windowmove \$WID 0 0; sleep 1
shot login
slow $PIN; key Return; sleep 0.5
shot shift-offer
key Return                                   # open the shift
key F2; scan "$TRACK"; shot accept
key F8; for i in 1 2 3 4 5 6; do key F10; done   # Settings → Loyalty
key F9; sleep 0.5; shot settings-loyalty     # the programme starts (defaults, or the demo's)
key F10; key F10; key F10                    # past Cloud and Backup, back to the first section
key F1; scan "12345678*4321"; shot issue-list
key ctrl+e; sleep 0.5                        # enrol: the phone comes from the parcel
key Return; key Return                       # name → enrol: refused, no consent yet
key F2; key Return; sleep 0.8; shot loyalty-card   # consent, enrol: the card's QR on screen
key Escape
scan "$TRACK"; shot issue-confirmed
key F9; sleep 0.5; shot issued               # issued, and the new card stamped
if [ "${SP_SCREENSHOTS:-}" = 1 ]; then
  key F1; scan "$TRACK"; shot counter
  for k in F4:returns F5:stock F7:inventory F8:settings; do key \${k%%:*}; shot \${k##*:}; done
  key F6; scan "$TRACK"; shot search        # a parcel's timeline
  key F8; for i in 1 2 3 4 5; do key F10; done; shot settings-devices
  key ctrl+p; shot print-queue; key F1; shot print-preview; key Escape
  key ctrl+l; shot loyalty
fi
kill \$APP; wait \$APP 2>/dev/null || true
if [ "\${SP_SCREENSHOTS:-}" = 1 ]; then     # the first-run wizard on an empty database
  SMARTPOINT_DB="$WORK/fresh.db" "$ROOT/bin/smartpoint" >> "$WORK/app.log" 2>&1 & APP=\$!
  for i in \$(seq 1 100); do xdotool search --name SmartPoint >/dev/null 2>&1 && break; sleep 0.1; done
  WID=\$(xdotool search --name SmartPoint | head -1)
  xdotool windowsize \$WID 1366 768 windowmove \$WID 0 0; sleep 1
  shot wizard
  kill \$APP; wait \$APP 2>/dev/null || true
fi
DRIVE
chmod +x "$WORK/drive.sh"
xvfb-run -a -s "-screen 0 1366x768x24" "$WORK/drive.sh" || { cat "$WORK/app.log" >&2; fail "driving the window"; }

status=$(sqlite3 "$SMARTPOINT_DB" "SELECT status FROM parcels WHERE track='$TRACK'")
events=$(sqlite3 "$SMARTPOINT_DB" "SELECT group_concat(kind, ',') FROM (SELECT kind FROM events WHERE entity = 'parcel:kgpost:$TRACK' ORDER BY seq)")
echo "smoke: parcel $TRACK status=$status events=$events"
[ "$status" = issued ] || { cat "$WORK/app.log" >&2; fail "the parcel should be issued, is '$status'"; }
case "$events" in *parcel.accepted*parcel.issued*) ;; *) fail "event log lacks accept→issue: $events";; esac
stamps=$(sqlite3 "$SMARTPOINT_DB" "SELECT coalesce(sum(m.amount), 0) FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
  JOIN loyalty_customers u ON u.id = c.customer_id WHERE u.phone = '+996555000111' AND m.kind = 'earn'")
consent=$(sqlite3 "$SMARTPOINT_DB" "SELECT count(*) FROM loyalty_customers WHERE phone = '+996555000111' AND consent_at > 0")
echo "smoke: loyalty: enrolled=$consent stamps=$stamps"
[ "$consent" = 1 ] || { cat "$WORK/app.log" >&2; fail "the customer was not enrolled with consent"; }
[ "$stamps" = 1 ] || { cat "$WORK/app.log" >&2; fail "the pickup should have stamped the new card once, stamps=$stamps"; }
[ -s "$RECEIPT" ] || { cat "$WORK/app.log" >&2; fail "no receipt printed to $RECEIPT"; }
receipt=$(iconv -f CP866 -t UTF-8 < "$RECEIPT")
echo "smoke: receipt ($(wc -c < "$RECEIPT") bytes):"; echo "$receipt" | grep -a "Выдан\|$TRACK" || true
echo "$receipt" | grep -aq "$TRACK" || fail "the receipt lacks the parcel $TRACK"
echo "$receipt" | grep -aq "Выдана 1 посылка" || fail "the receipt lacks the issued count"
grep -qi "panic" "$WORK/app.log" && { cat "$WORK/app.log" >&2; fail "the app panicked"; }
echo "smoke: OK; screenshots in $SHOTS"
ls "$SHOTS"
