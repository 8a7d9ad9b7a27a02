#!/usr/bin/env bash
# Superserver and xinetd serving the same xinetd.conf, whose services xinetd checks against
# hosts.allow and hosts.deny (its libwrap check, on by default), side by side: both run at once on
# their own loopback ports and are driven in turn for ROUNDS rounds per service. Superserver asks
# its tcpd policy where xinetd calls libwrap, on the threads that answer daytime and time and hold
# echo's connections. Prints the median conn/s, the daemon's own CPU per connection and the whole
# machine's CPU per connection (the load generator's and the kernel's included), and the ratio of
# the rates. Run as root (xinetd's services need a mount namespace of their own for their port
# numbers); the machine's own hosts.allow and hosts.deny decide, as they would for both daemons.
#
#   bench/guarded.sh                        # SERVICES="daytime time echo", ROUNDS=3, DUR=3, CONC=8
#   SERVICES=echo ROUNDS=5 bench/guarded.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
SERVICES=${SERVICES:-daytime time echo}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
CONC=${CONC:-8}
PAYLOAD=${PAYLOAD:-16}
PORT_BASE=${PORT_BASE:-28300}
EXTRA=${EXTRA:-/tmp/superserver-bench/extra/root}
BENCH_NAME=guarded.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
whole_numbers ROUNDS DUR CONC PAYLOAD PORT_BASE
[ "$(id -u)" = 0 ] || die "run as root: xinetd's services are given their ports through a mount namespace"
xinetd=/usr/sbin/xinetd; [ -x "$xinetd" ] || xinetd=$EXTRA/usr/sbin/xinetd
[ -x "$xinetd" ] || die "no xinetd at /usr/sbin or $EXTRA/usr/sbin (../shared/bench/setup.sh unpacks one)"
[ -x "$SS_HOME/bin/superserver" ] || die "no distribution at $SS_HOME: run mvn -B -DskipTests install"
for s in $SERVICES; do case $s in daytime|time|echo) ;; *) die "unknown service $s (daytime, time, echo)" ;; esac; done

work=$(mktemp -d /tmp/superserver-guarded.XXXXXX) || exit 1
ssbench="$work/ssbench"
gcc -O2 -Wall -pthread -o "$ssbench" "$here/ssbench.c" || exit 1
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DAEMONS="superserver xinetd"
declare -A base=([superserver]=$PORT_BASE [xinetd]=$((PORT_BASE + 100)))
offset() { case $1 in echo) echo 7 ;; daytime) echo 13 ;; time) echo 37 ;; esac; }
for d in $DAEMONS; do
  mkdir -p "$work/$d"
  b=${base[$d]}
  printf 'echo\t\t%s/tcp\ndaytime\t\t%s/tcp\ntime\t\t%s/tcp\n' $((b + 7)) $((b + 13)) $((b + 37)) > "$work/$d/services"
  {
    # no log lines of xinetd's own (log_type is not set); the raised cps keeps both from pausing a service
    printf 'defaults\n{\n  instances      = UNLIMITED\n  per_source     = UNLIMITED\n  cps            = 100000 1\n}\n'
    for s in echo daytime time; do
      printf 'service %s\n{\n  id          = %s-stream\n  type        = INTERNAL\n  socket_type = stream\n' "$s" "$s"
      printf '  protocol    = tcp\n  wait        = no\n  user        = root\n  bind        = 127.0.0.1\n}\n'
    done
  } > "$work/$d/xinetd.conf"
done
# each daemon in a session of its own, as a service manager starts it (bench/README.md, "Paired": with
# the scheduler's autogroups a daemon in the load generator's session competes thread by thread)
setsid "$SS_HOME/bin/superserver" --xinetd "$work/superserver/xinetd.conf" --services "$work/superserver/services" \
    --data "$work/superserver/data" --pid-file "$work/superserver/pid" > "$work/superserver/log" 2>&1 &
pids+=($!)
setsid "${IN_SERVICES[@]}" "$work/xinetd/services" \
    "$xinetd" -dontfork -pidfile "$work/xinetd/pid" -f "$work/xinetd/xinetd.conf" > "$work/xinetd/log" 2>&1 &
pids+=($!)

declare -A pid port
for d in $DAEMONS; do
  ports=""
  for s in $SERVICES; do port[$d.$s]=$((${base[$d]} + $(offset "$s"))); ports="$ports${ports:+,}${port[$d.$s]}"; done
  "$ssbench" waitport -P "$ports" > /dev/null || { cat "$work/$d/log"; exit 1; }
  for n in $(seq 1 50); do [ -s "$work/$d/pid" ] && break; sleep 0.1; done
  pid[$d]=$(tr -dc '0-9' < "$work/$d/pid")
  alive "${pid[$d]}" || die "$d is not running: $(cat "$work/$d/log")"
done

drive() { # SERVICE PORT SECONDS
  local size=0; [ "$1" = echo ] && size=$PAYLOAD
  "$ssbench" conn -p "$2" -t "$CONC" -d "$3" -s "$size" | tail -1
}
for s in $SERVICES; do for d in $DAEMONS; do drive "$s" "${port[$d.$s]}" 1 > /dev/null; done; done   # warm-up

declare -A rates cpus machine errors
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for s in $SERVICES; do
    for d in $DAEMONS; do
      before=$(own_ticks "${pid[$d]}"); m0=$(machine_ticks)
      line=$(drive "$s" "${port[$d.$s]}" "$DUR")
      after=$(own_ticks "${pid[$d]}"); m1=$(machine_ticks)
      ok=$(kv "$line" ok)
      rates[$d.$s]="${rates[$d.$s]:-} $(kv "$line" rate)"
      errors[$d.$s]=$(( ${errors[$d.$s]:-0} + $(kv "$line" errors) ))
      cpus[$d.$s]="${cpus[$d.$s]:-} $(us_per_op $((after - before)) "$ok")"
      machine[$d.$s]="${machine[$d.$s]:-} $(us_per_op $((m1 - m0)) "$ok")"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| service | daemon | conn/s (rounds) | median | errors | daemon CPU us/conn | machine CPU us/conn | ratio |"
echo "|---|---|---|---|---|---|---|---|"
for s in $SERVICES; do
  peer=$(median ${rates[xinetd.$s]})
  for d in $DAEMONS; do
    rate=$(median ${rates[$d.$s]})
    # shellcheck disable=SC2086
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$s" "$d" "$(echo ${rates[$d.$s]} | tr ' ' '/')" "$rate" \
        "${errors[$d.$s]}" "$(median ${cpus[$d.$s]})" "$(median ${machine[$d.$s]})" \
        "$(awk -v a="$rate" -v b="$peer" 'BEGIN{printf (b > 0 ? "%.2fx" : "-"), a / b}')"
  done
done
grep -c ' TCPD ' "$work/superserver/log" | sed 's/^/TCPD lines in the server log (its tcpd policy was asked): /'
