#!/usr/bin/env bash
# Daytime and time answered from the accepted descriptor by 1, 2, ... threads per listener
# (superserver.answer.threads) and by the accepting event loop (0), side by side: one server per
# setting, all running at once on their own loopback ports, driven in turn for ROUNDS rounds.
# Prints the median conn/s, the server's own CPU per connection, the whole machine's CPU per
# connection (the load generator's and the kernel's included) and the whole machine's context
# switches per connection of each setting. A setting
# with an "r" (2r) gives every thread after the first a listening socket of its own bound with
# SO_REUSEPORT (superserver.answer.reuseport=true) instead of sharing the listener's.
#
#   bench/answer-threads.sh                     # THREADS="0 1 2 2r", ROUNDS=3, DUR=3, CONC=8
#   THREADS="1 2 4 4r" ROUNDS=5 bench/answer-threads.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
THREADS=${THREADS:-0 1 2 2r}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
CONC=${CONC:-8}
PORT_BASE=${PORT_BASE:-27000}
work=$(mktemp -d /tmp/superserver-answer-threads.XXXXXX)
ssbench="$work/ssbench"
gcc -O2 -Wall -pthread -o "$ssbench" "$here/ssbench.c" || exit 1
[ -x "$SS_HOME/bin/superserver" ] || { echo "no distribution at $SS_HOME: run mvn -B -DskipTests install" >&2; exit 1; }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BENCH_NAME=answer-threads.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

user=$(id -un)
i=0
declare -A port jvm
for t in $THREADS; do
  base=$((PORT_BASE + 100 * i))
  port[$t]=$((base + 13))
  mkdir -p "$work/$t"
  printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\tinternal daytime\n' "${port[$t]}" "$user" > "$work/$t/inetd.conf"
  reuse=false; [ "${t%r}" != "$t" ] && reuse=true
  # a session of its own, as a service manager starts it: with the scheduler's autogroups a server in
  # the load generator's session would compete thread by thread, which favours more threads
  SUPERSERVER_OPTS="-Dsuperserver.answer.threads=${t%r} -Dsuperserver.answer.reuseport=$reuse" \
      setsid "$SS_HOME/bin/superserver" --inetd "$work/$t/inetd.conf" \
      --data "$work/$t/data" --pid-file "$work/$t/pid" > "$work/$t/log" 2>&1 &
  pids+=($!)
  i=$((i + 1))
done
for t in $THREADS; do
  "$ssbench" waitport -P "${port[$t]}" > /dev/null || { cat "$work/$t/log"; exit 1; }
  for n in $(seq 1 50); do [ -s "$work/$t/pid" ] && break; sleep 0.1; done
  jvm[$t]=$(cat "$work/$t/pid")
  "$ssbench" conn -p "${port[$t]}" -t "$CONC" -d 2 -s 0 > /dev/null   # warm-up
done

declare -A rates cpus machine switches
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    before=$(own_ticks "${jvm[$t]}"); m0=$(machine_ticks); c0=$(machine_switches)
    line=$("$ssbench" conn -p "${port[$t]}" -t "$CONC" -d "$DUR" -s 0 | tail -1)
    after=$(own_ticks "${jvm[$t]}"); m1=$(machine_ticks); c1=$(machine_switches)
    ok=$(kv "$line" ok)
    rates[$t]="${rates[$t]:-} $(kv "$line" rate)"
    cpus[$t]="${cpus[$t]:-} $(us_per_op $((after - before)) "$ok")"
    machine[$t]="${machine[$t]:-} $(us_per_op $((m1 - m0)) "$ok")"
    switches[$t]="${switches[$t]:-} $(awk -v d=$((c1 - c0)) -v n="$ok" 'BEGIN{printf "%.2f", (n > 0 ? d / n : 0)}')"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| answer threads | daytime conn/s | server CPU us/conn | machine CPU us/conn | machine context switches/conn |"
echo "|---|---|---|---|---|"
for t in $THREADS; do
  # shellcheck disable=SC2086
  case $t in 0) label="0 (event loop)" ;; *r) label="${t%r}, SO_REUSEPORT" ;; *) label="$t, one socket" ;; esac
  printf '| %s | %s | %s | %s | %s |\n' "$label" \
      "$(median ${rates[$t]})" "$(median ${cpus[$t]})" "$(median ${machine[$t]})" "$(median ${switches[$t]})"
done
