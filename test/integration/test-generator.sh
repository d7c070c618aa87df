#!/bin/bash
# nsboot-generator turns lxc.start.auto/order/delay of the machines' config files into
# nsboot@NAME.service wanted by machines.target, ordered by lxc.start.order, with the delay as an
# ExecStartPost= sleep; machines without autostart, with errors, or shadowed by an earlier
# directory are left out. (The system tier boots the units it makes.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

gen=$(dirname "$NSBOOT")/nsboot-generator
[[ -x $gen ]] || fail "no nsboot-generator next to $NSBOOT"
etc=$WORKDIR/etc
run=$WORKDIR/run
out=$WORKDIR/out
mkdir -p "$etc" "$run" "$out"
printf 'lxc.start.auto = 1\nlxc.start.order = 20\n' >"$etc/web.conf"
printf 'lxc.start.auto = 1\nlxc.start.order = 10\nlxc.start.delay = 5\n' >"$etc/db.conf"
printf 'nsboot.start-auto = yes\nnsboot.start-order = 30\n' >"$etc/app.conf"
printf 'lxc.start.auto = 0\n' >"$etc/manual.conf"
printf 'lxc.start.auto = 1\nlxc.bogus = 1\n' >"$etc/broken.conf"
printf 'lxc.start.auto = 0\n' >"$run/web.conf"     # shadowed by /etc
printf 'lxc.start.auto = 1\nlxc.start.order = 40\n' >"$run/extra.conf"

NSBOOT_CONFIG_PATH=$etc:$run "$gen" "$out" "$out.early" "$out.late" 2>"$WORKDIR/gen.err" ||
        fail "nsboot-generator failed: $(cat "$WORKDIR/gen.err")"
wants=$(cd "$out/machines.target.wants" && ls | tr '\n' ' ')
assert_eq "nsboot@app.service nsboot@db.service nsboot@extra.service nsboot@web.service " "$wants" "autostarted machines"
assert_match "$(readlink "$out/machines.target.wants/nsboot@web.service")" "/nsboot@\.service$" "link to the template"
[[ -L $out/multi-user.target.wants/machines.target ]] || fail "machines.target not pulled in"
db=$out/nsboot@db.service.d/50-nsboot-autostart.conf
web=$out/nsboot@web.service.d/50-nsboot-autostart.conf
app=$out/nsboot@app.service.d/50-nsboot-autostart.conf
assert_file_contains "$db" "ExecStartPost=/bin/sleep 5" "db's delay"
assert_file_not_contains "$db" "After=" "db is first (order 10)"
assert_file_contains "$web" "After=nsboot@db.service" "web after db"
assert_file_contains "$app" "After=nsboot@db.service" "app after db"
assert_file_contains "$app" "After=nsboot@web.service" "app after web"
assert_file_not_contains "$web" "After=nsboot@extra.service" "extra (order 40) comes after web"
assert_file_contains "$out/nsboot@extra.service.d/50-nsboot-autostart.conf" "After=nsboot@app.service" "extra last"
assert_file_contains "$WORKDIR/gen.err" "broken.conf has errors" "the broken file is named"
exit 0
