#!/usr/bin/env bash
# Superserver against one C peer in short alternating slices, for the scenarios whose ratio is
# close to 1 and moves with the machine (daytime and time over TCP): both daemons run at once on
# their own loopback ports, and each of PAIRS pairs drives one for SLICE seconds and then the other,
# the order swapped from one pair to the next, so that a load that comes and goes falls on both
# sides of a pair alike. Prints, per scenario, the median of the pairs' ratios with its quartiles
# and how many pairs were at or above 1.0, the median rates, the daemons' own CPU per connection and
# the whole machine's CPU per connection. Run as root (the peer's services need a mount namespace
# of their own for their port numbers) after ../shared/bench/setup.sh.
#
# With PROFILE=1 every slice runs under `perf record -a -g`, and a second table splits the whole
# machine's CPU per connection between the load generator, the daemon and the rest, and each of
# those into context switches, wake-ups, the return from system calls, other kernel work and user
# code (the rates of that run are under the profiler's cost, which falls on both daemons alike).
#
#   bench/paired.sh                               # PEER=openbsd-inetd SERVICES="daytime time" PAIRS=12 SLICE=2
#   PEER=inetutils-inetd PAIRS=30 bench/paired.sh
#   PROFILE=1 PAIRS=4 bench/paired.sh             # where each connection's CPU goes, by perf
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
PEER=${PEER:-openbsd-inetd}
SERVICES=${SERVICES:-daytime time}
PAIRS=${PAIRS:-12}
SLICE=${SLICE:-2}
CONC=${CONC:-8}
PORT_BASE=${PORT_BASE:-28600}
PROFILE=${PROFILE:-0}
PROFILE_HZ=${PROFILE_HZ:-999}
EXTRA=${EXTRA:-/tmp/superserver-bench/extra/root}
BENCH_NAME=paired.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
whole_numbers PAIRS SLICE CONC PORT_BASE PROFILE PROFILE_HZ
[ "$PROFILE" = 0 ] || command -v perf > /dev/null || die "PROFILE=1 needs perf (apt-get install linux-perf)"
[ "$(id -u)" = 0 ] || die "run as root: the peer's services are given their ports through a mount namespace"
[ -x "$SS_HOME/bin/superserver" ] || die "no distribution at $SS_HOME: run mvn -B -DskipTests install"
for s in $SERVICES; do case $s in daytime|time) ;; *) die "unknown service $s (daytime, time)" ;; esac; done
case $PEER in
  openbsd-inetd) peer_bin=/usr/sbin/inetd ;;
  inetutils-inetd) peer_bin=$EXTRA/usr/sbin/inetutils-inetd; [ -x "$peer_bin" ] || peer_bin=/usr/sbin/inetutils-inetd ;;
  *) die "PEER must be openbsd-inetd or inetutils-inetd" ;;
esac
[ -x "$peer_bin" ] || die "no $PEER at $peer_bin (../shared/bench/setup.sh installs it)"

work=$(mktemp -d /tmp/superserver-paired.XXXXXX) || exit 1
ssbench="$work/ssbench"
gcc -O2 -Wall -pthread -o "$ssbench" "$here/ssbench.c" || exit 1
pids=()
peer_pid=
cleanup() {
  local p
  for p in "${pids[@]}" $peer_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

offset() { case $1 in daytime) echo 13 ;; time) echo 37 ;; esac; }
declare -A port pid
mkdir -p "$work/superserver" "$work/peer"
for s in $SERVICES; do
  port[superserver.$s]=$((PORT_BASE + $(offset "$s")))
  port[peer.$s]=$((PORT_BASE + 100 + $(offset "$s")))
  printf '127.0.0.1:%s\tstream\ttcp\tnowait\troot\tinternal %s\n' "${port[superserver.$s]}" "$s" >> "$work/superserver/inetd.conf"
  printf '127.0.0.1:%s\t\tstream\ttcp\tnowait\troot\tinternal\n' "$s" >> "$work/peer/inetd.conf"
  printf '%s\t\t%s/tcp\n' "$s" "${port[peer.$s]}" >> "$work/peer/services"
done
# each daemon in a session of its own, as a service manager starts it: with the scheduler's autogroups
# (kernel.sched_autogroup_enabled) a session shares the processors as one, so a daemon that ran in the
# load generator's session would compete thread by thread, which favours the one with more threads
setsid "$SS_HOME/bin/superserver" --inetd "$work/superserver/inetd.conf" --data "$work/superserver/data" \
    --pid-file "$work/superserver/pid" > "$work/superserver/log" 2>&1 &
pids+=($!)
if [ "$PEER" = openbsd-inetd ]; then
  # -R: the rate limit raised (256 a minute would stop a service); -q: the backlog Superserver has
  setsid "${IN_SERVICES[@]}" "$work/peer/services" \
      "$peer_bin" -i -R 100000000 -q 128 "$work/peer/inetd.conf" > "$work/peer/log" 2>&1 &
  pids+=($!)
  peer_pid=$!
else
  # no foreground mode without debug output: it daemonizes, found by its pid file
  setsid "${IN_SERVICES[@]}" "$work/peer/services" \
      "$peer_bin" -R 100000000 --pidfile="$work/peer/pid" "$work/peer/inetd.conf" > "$work/peer/log" 2>&1
fi
ports() { local d=$1 s list=""; for s in $SERVICES; do list="$list${list:+,}${port[$d.$s]}"; done; echo "$list"; }
for d in superserver peer; do
  "$ssbench" waitport -P "$(ports $d)" > /dev/null || { cat "$work/$d/log"; exit 1; }
done
for n in $(seq 1 50); do [ -s "$work/superserver/pid" ] && break; sleep 0.1; done
pid[superserver]=$(tr -dc '0-9' < "$work/superserver/pid")
if [ -z "$peer_pid" ]; then
  for n in $(seq 1 50); do [ -s "$work/peer/pid" ] && break; sleep 0.1; done
  peer_pid=$(tr -dc '0-9' < "$work/peer/pid")
fi
pid[peer]=$peer_pid
for d in superserver peer; do alive "${pid[$d]}" || die "$d is not running: $(cat "$work/$d/log")"; done

quartile() { # Q (0.25, 0.5, 0.75) VALUES... : the quartile, by linear interpolation
  local q=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v q="$q" '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit }
    h = (NR - 1) * q + 1; l = int(h); printf "%.3f", a[l] + (h - l) * ((l < NR ? a[l + 1] : a[l]) - a[l]) }'
}
declare -A rate cpu machine profiled connections
slice() { # DAEMON SERVICE : one slice; sets last_rate
  local d=$1 s=$2 before after m0 m1 line ok
  local profiler=()
  if [ "$PROFILE" != 0 ]; then
    profiled[$d.$s]=$((${profiled[$d.$s]:-0} + 1))
    profiler=(perf record -q -a -g -F "$PROFILE_HZ" -o "$work/profile.$d.$s.${profiled[$d.$s]}" --)
  fi
  before=$(own_ticks "${pid[$d]}"); m0=$(machine_ticks)
  line=$("${profiler[@]}" "$ssbench" conn -p "${port[$d.$s]}" -t "$CONC" -d "$SLICE" -s 0 | tail -1)
  after=$(own_ticks "${pid[$d]}"); m1=$(machine_ticks)
  ok=$(kv "$line" ok); last_rate=$(kv "$line" rate)
  connections[$d.$s]=$((${connections[$d.$s]:-0} + ${ok:-0}))
  rate[$d.$s]="${rate[$d.$s]:-} $last_rate"
  cpu[$d.$s]="${cpu[$d.$s]:-} $(us_per_op $((after - before)) "$ok")"
  machine[$d.$s]="${machine[$d.$s]:-} $(us_per_op $((m1 - m0)) "$ok")"
}
for s in $SERVICES; do for d in superserver peer; do "$ssbench" conn -p "${port[$d.$s]}" -t "$CONC" -d 1 -s 0 > /dev/null; done; done

declare -A ratios
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $SERVICES; do
  for i in $(seq 1 "$PAIRS"); do
    if [ $((i % 2)) = 1 ]; then
      slice superserver "$s"; a=$last_rate; slice peer "$s"; b=$last_rate
    else
      slice peer "$s"; b=$last_rate; slice superserver "$s"; a=$last_rate
    fi
    ratios[$s]="${ratios[$s]:-} $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", (b > 0 ? a / b : 0)}')"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Superserver against $PEER, $PAIRS pairs of $SLICE s slices per scenario, $CONC client threads."
echo
echo "| scenario | ratio: median (quartiles) | pairs >= 1.0 | conn/s superserver / $PEER | daemon CPU us/conn | machine CPU us/conn |"
echo "|---|---|---|---|---|---|"
for s in $SERVICES; do
  # shellcheck disable=SC2086
  printf '| tcp %s | %s (%s-%s) | %s of %s | %s / %s | %s / %s | %s / %s |\n' "$s" \
      "$(quartile 0.5 ${ratios[$s]})" "$(quartile 0.25 ${ratios[$s]})" "$(quartile 0.75 ${ratios[$s]})" \
      "$(printf '%s\n' ${ratios[$s]} | awk '$1 >= 1.0' | wc -l)" "$PAIRS" \
      "$(median ${rate[superserver.$s]})" "$(median ${rate[peer.$s]})" \
      "$(median ${cpu[superserver.$s]})" "$(median ${cpu[peer.$s]})" \
      "$(median ${machine[superserver.$s]})" "$(median ${machine[peer.$s]})"
done

[ "$PROFILE" = 0 ] && exit 0

# One daemon's profiles of one scenario, as "PART/KIND SAMPLES" lines: PART is the load generator
# (ssbench), the daemon (its process id) or the rest; KIND the first of these that a sample's
# innermost frames show: a context switch, the wake-up of a sleeping thread, the entry to or return
# from a system call (where a paravirtualised kernel runs the interrupts it held back), other kernel
# work, or user code (the daemon's own, the JIT-compiled Java included, or the load generator's).
split_samples() { # DAEMON-PID PROFILE...
  local daemon=$1 f; shift
  for f; do perf script -i "$f" -F comm,pid,ip,sym 2> /dev/null; done | awk -v daemon="$daemon" '
    function flush() {
      if (part == "") return
      count[part "/" (kind != "" ? kind : user ? "user" : "kernel")]++; part = ""
    }
    /^[^ \t]/ { flush(); part = $NF == daemon ? "daemon" : $1 == "ssbench" ? "client" : "rest"; n = 0; kind = ""; next }
    /^[ \t]+[0-9a-f]+ / {
      n++
      if (n == 1) user = $1 !~ /^ffffffff/
      if (n <= 6 && kind == "") {
        if ($2 ~ /^(finish_task_switch|__schedule$|schedule$)/) kind = "switch"
        else if ($2 ~ /^(try_to_wake_up|__wake_up|sock_def_readable|sock_def_wakeup|ep_poll_callback)/) kind = "wakeup"
        else if (n <= 3 && $2 ~ /^do_syscall_64/) kind = "syscall"
      }
    }
    END { flush(); for (k in count) print k, count[k] }'
}
echo
echo "Where a connection's CPU goes (perf record -a -g at $PROFILE_HZ Hz, all slices of a daemon together), us per connection:"
echo
echo "| scenario | daemon | part | all | context switches | wake-ups | system-call entry/exit | other kernel | user |"
echo "|---|---|---|---|---|---|---|---|---|"
for s in $SERVICES; do
  for d in superserver peer; do
    name=$d; [ "$d" = peer ] && name=$PEER
    split_samples "${pid[$d]}" "$work"/profile."$d.$s".* > "$work/split.$d.$s"
    for part in client daemon rest; do
      awk -v part="$part" -v n="${connections[$d.$s]}" -v hz="$PROFILE_HZ" -v s="$s" -v name="$name" '
        { split($1, pk, "/"); if (pk[1] != part) next; c[pk[2]] += $2; all += $2 }
        function us(v) { return n > 0 ? sprintf("%.1f", v * 1e6 / hz / n) : "-" }
        END { printf "| tcp %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, name, part == "client" ? "load generator" : part == "rest" ? "rest, idle included" : part,
                us(all), us(c["switch"]), us(c["wakeup"]), us(c["syscall"]), us(c["kernel"]), us(c["user"]) }' "$work/split.$d.$s"
    done
  done
done
