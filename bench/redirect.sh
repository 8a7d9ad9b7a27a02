#!/usr/bin/env bash
# The redirect benchmark: connections per second and MB/s through xinetd's `redirect` relay and
# through Superserver's, served from the same xinetd.conf on the same ports, one after the other,
# both relaying to the same loopback target (bench/relaytarget.c: echo, chargen, discard).
# Loopback only; stops everything it starts.
#
#   bench/redirect.sh                     # ROUNDS=2 x RUNS=1 x DUR=3 s per scenario and server
#   ROUNDS=3 DUR=5 bench/redirect.sh      # more, alternating xinetd and Superserver each round
#   ONLY=superserver bench/redirect.sh    # one side only (xinetd or superserver)
#
# Needs: gcc, the built distribution (mvn -B -DskipTests install) with the xinetd config format,
# and xinetd (default /tmp/superserver-bench/extra/root/usr/sbin/xinetd, as ../shared/bench/setup.sh
# unpacks it; XINETD=path to override). Prints the load average before and after, and one markdown
# table: scenario, xinetd, Superserver, ratio (medians of every run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
XINETD=${XINETD:-/tmp/superserver-bench/extra/root/usr/sbin/xinetd}
DUR=${DUR:-3}
RUNS=${RUNS:-1}
ROUNDS=${ROUNDS:-2}
CONC=${CONC:-8}
PAYLOAD=${PAYLOAD:-16}
BASE=${BASE:-20100}        # relays on BASE (echo), BASE+1 (chargen), BASE+2 (discard)
TARGET=${TARGET:-20200}    # relaytarget on TARGET, TARGET+1, TARGET+2
ONLY=${ONLY:-}
work=$(mktemp -d /tmp/superserver-redirect-bench.XXXXXX)
gcc -O2 -Wall -pthread -o "$work/ssbench" "$here/ssbench.c" || exit 1
gcc -O2 -Wall -pthread -o "$work/relaytarget" "$here/relaytarget.c" || exit 1
ulimit -n 65536 2>/dev/null || ulimit -n 8192

target_pid=
server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null
  fi
  server_pid=
}
cleanup() {
  stop_server
  if [ -n "$target_pid" ]; then kill -TERM "$target_pid" 2>/dev/null; wait "$target_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT: listening within 30 s
  local i
  for i in $(seq 1 300); do
    ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN && return 0
    sleep 0.1
  done
  return 1
}
wait_closed() { # PORT: nothing listening any more (the next server binds the same ports)
  local i
  for i in $(seq 1 100); do
    ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN || return 0
    sleep 0.1
  done
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k{print $2}'; }

user=$(id -un)
service() { # NAME PORT TARGET_PORT
  cat <<SERVICE
service $1
{
	type        = UNLISTED
	socket_type = stream
	protocol    = tcp
	wait        = no
	user        = $user
	bind        = 127.0.0.1
	port        = $2
	redirect    = 127.0.0.1 $3
	flags       = NOLIBWRAP
}
SERVICE
}
{
  cat <<DEFAULTS
# The same file serves both: xinetd -f FILE and superserver --xinetd FILE.
defaults
{
	instances      = UNLIMITED
	per_source     = UNLIMITED
	cps            = 1000000 1
	log_on_success =
	log_on_failure =
}
DEFAULTS
  service relay-echo "$BASE" "$TARGET"
  service relay-chargen "$((BASE + 1))" "$((TARGET + 1))"
  service relay-discard "$((BASE + 2))" "$((TARGET + 2))"
} > "$work/xinetd.conf"

for p in "$BASE" "$((BASE + 1))" "$((BASE + 2))" "$TARGET" "$((TARGET + 1))" "$((TARGET + 2))"; do
  if ss -ltn "sport = :$p" 2>/dev/null | grep -q LISTEN; then
    echo "port $p is in use already: stop what listens there, or set BASE and TARGET" >&2
    exit 1
  fi
done
"$work/relaytarget" "$TARGET" > "$work/target.out" 2>&1 &
target_pid=$!
if ! wait_port "$((TARGET + 2))" || ! kill -0 "$target_pid" 2>/dev/null; then
  echo "relaytarget did not start" >&2; cat "$work/target.out" >&2; exit 1
fi

start_server() { # xinetd | superserver
  case $1 in
    xinetd)
      [ -x "$XINETD" ] || { echo "no xinetd at $XINETD (run ../shared/bench/setup.sh, or set XINETD)" >&2; return 1; }
      # each server in a session of its own, as a service manager starts it (README.md, "Paired")
      setsid "$XINETD" -dontfork -f "$work/xinetd.conf" -filelog "$work/xinetd.log" > "$work/xinetd.out" 2>&1 &
      server_pid=$! ;;
    superserver)
      [ -x "$SS_HOME/bin/superserver" ] || { echo "no distribution at $SS_HOME: run mvn -B -DskipTests install" >&2; return 1; }
      setsid "$SS_HOME/bin/superserver" --xinetd "$work/xinetd.conf" --data "$work/data" \
          --pid-file "$work/superserver.pid" > "$work/superserver.out" 2>&1 &
      server_pid=$! ;;
  esac
  if ! wait_port "$((BASE + 2))"; then
    echo "$1 did not listen on 127.0.0.1:$((BASE + 2)); its output:" >&2
    tail -20 "$work/$1.out" >&2
    stop_server
    return 1
  fi
  sleep 1
  # warm-up: the JIT (or the page cache) before anything is timed
  "$work/ssbench" conn -p "$BASE" -t "$CONC" -s "$PAYLOAD" -d 2 > /dev/null
}

declare -A results
record() { results["$1|$2"]="${results["$1|$2"]:-} $3"; }
run_scenarios() { # SERVER
  local r line
  for r in $(seq 1 "$RUNS"); do
    line=$("$work/ssbench" conn -p "$BASE" -t "$CONC" -s "$PAYLOAD" -d "$DUR" | tail -1)
    record "$1" conn "$(field "$line" rate)"
    [ "$(field "$line" errors)" = 0 ] || echo "$1: $(field "$line" errors) failed connections" >&2
    sleep 0.3
    line=$("$work/ssbench" stream -p "$((BASE + 1))" -m read -d "$DUR" | tail -1)
    record "$1" read "$(field "$line" rate)"
    sleep 0.3
    line=$("$work/ssbench" stream -p "$((BASE + 2))" -m write -d "$DUR" | tail -1)
    record "$1" write "$(field "$line" rate)"
    sleep 0.3
  done
}

servers="xinetd superserver"
[ -n "$ONLY" ] && servers=$ONLY
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
  for s in $servers; do
    start_server "$s" || exit 1
    run_scenarios "$s"
    stop_server
    wait_closed "$BASE"; wait_closed "$((BASE + 1))"; wait_closed "$((BASE + 2))"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cell() { # SERVER SCENARIO
  local v=${results["$1|$2"]:-}
  [ -n "$v" ] && median $v || echo "-"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a + 0 > 0 && b != "-") printf "%.1fx", b / a; else print "-" }'; }
echo "redirect: $ROUNDS round(s) x $RUNS run(s) x ${DUR}s per scenario, $CONC client threads for conn/s;"
echo "load average before: $load_before, after: $load_after ($(nproc) CPUs)"
echo
echo "| scenario | xinetd | Superserver | Superserver / xinetd |"
echo "|---|---|---|---|"
for sc in conn read write; do
  case $sc in
    conn) label="connections/s (connect, ${PAYLOAD} B + CRLF echoed by the target, close)"; unit="conn/s" ;;
    read) label="MB/s target to client (chargen behind the relay)"; unit="MB/s" ;;
    write) label="MB/s client to target (discard behind the relay)"; unit="MB/s" ;;
  esac
  x=$(cell xinetd "$sc"); s=$(cell superserver "$sc")
  echo "| $label | $x $unit | $s $unit | $(ratio "$x" "$s") |"
done
