#!/usr/bin/env bash
# Measures the built distribution with ssbench and prints one markdown table: the built-ins on
# 127.0.0.1:10000 + the standard port (as the embedded default serves them) and /bin/cat started
# per connection on 127.0.0.1:10050, all from a generated inetd.conf. Loopback only; stops what it
# starts.
#
#   bench/run.sh                      # build ssbench, start the distribution, measure, stop
#   DUR=5 RUNS=3 bench/run.sh         # longer runs; the median of RUNS is reported
#   NO_START=1 bench/run.sh           # measure a server that is already running on the default ports
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
DUR=${DUR:-3}
RUNS=${RUNS:-3}
CONC=${CONC:-8}
UDPCONC=${UDPCONC:-4}
IDLE=${IDLE:-1000}
work=$(mktemp -d /tmp/superserver-bench.XXXXXX)
ssbench="$work/ssbench"
gcc -O2 -Wall -pthread -o "$ssbench" "$here/ssbench.c" || exit 1
ulimit -n 65536 2>/dev/null || ulimit -n 8192

pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() {
  local i
  for i in $(seq 1 300); do
    ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN && return 0
    sleep 0.1
  done
  echo "port $1 never listened" >&2; return 1
}
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k{print $2}'; }

if [ -z "${NO_START:-}" ]; then
  [ -x "$SS_HOME/bin/superserver" ] || { echo "no distribution at $SS_HOME: run mvn -B -DskipTests install" >&2; exit 1; }
  user=$(id -un)
  cat > "$work/inetd.conf" <<CONF
127.0.0.1:10007	stream	tcp	nowait	$user	internal echo
127.0.0.1:10007	dgram	udp	wait	$user	internal echo
127.0.0.1:10009	stream	tcp	nowait	$user	internal discard
127.0.0.1:10013	stream	tcp	nowait	$user	internal daytime
127.0.0.1:10019	stream	tcp	nowait	$user	internal chargen
127.0.0.1:10037	stream	tcp	nowait	$user	internal time
127.0.0.1:10050	stream	tcp	nowait	$user	/bin/cat	cat
CONF
  "$SS_HOME/bin/superserver" --inetd "$work/inetd.conf" --data "$work/data" --pid-file "$work/superserver.pid" \
      > "$work/server.log" 2>&1 &
  pid=$!
  wait_port 10037 || { cat "$work/server.log"; exit 1; }
  sleep 1
  # the pid file names the JVM (the script may exec it or stay its parent)
  for i in $(seq 1 50); do [ -s "$work/superserver.pid" ] && break; sleep 0.1; done
  jvm=$(cat "$work/superserver.pid")
  sleep 1
  rss_start=$(rss_kib "$jvm")
fi

measure() { # LABEL UNIT ssbench-args...
  local label=$1 unit=$2; shift 2
  local r line rates=() p99s=()
  for r in $(seq 1 "$RUNS"); do
    line=$("$ssbench" "$@" -d "$DUR" | tail -1)
    rates+=("$(field "$line" rate)")
    p99s+=("$(field "$line" p99_ms)")
    sleep 0.3
  done
  if [ -n "${p99s[0]}" ]; then
    printf '| %s | %s %s | p99 %s ms |\n' "$label" "$(median "${rates[@]}")" "$unit" "$(median "${p99s[@]}")"
  else
    printf '| %s | %s %s | |\n' "$label" "$(median "${rates[@]}")" "$unit"
  fi
}

echo "Superserver: built-ins and /bin/cat per connection; medians of $RUNS runs x ${DUR}s; $CONC client threads"
echo
echo "| scenario | rate | latency |"
echo "|---|---|---|"
if [ -n "${jvm:-}" ]; then
  # a few seconds of traffic first so the JIT has compiled the hot paths before anything is timed
  "$ssbench" conn -p 10007 -t "$CONC" -d 3 > /dev/null
  printf '| RSS at start | %s KiB | |\n' "$rss_start"
fi
measure "TCP echo, one connection per request" conn/s conn -p 10007 -t "$CONC" -s 16
measure "daytime" conn/s conn -p 10013 -t "$CONC" -s 0
measure "time" conn/s conn -p 10037 -t "$CONC" -s 0
measure "chargen (one connection)" MB/s stream -p 10019 -m read
measure "discard (one connection)" MB/s stream -p 10009 -m write
measure "UDP echo" req/s udp -p 10007 -t "$UDPCONC" -s 16
if ss -ltn "sport = :10050" 2>/dev/null | grep -q LISTEN; then
  measure "exec /bin/cat, one per connection" conn/s conn -p 10050 -t "$CONC" -s 16
fi
if [ -n "${jvm:-}" ]; then
  sleep 10
  before=$(rss_kib "$jvm")
  printf '| RSS after load | %s KiB | |\n' "$before"
  "$ssbench" idle -p 10007 -k "$IDLE" -H 8 > "$work/idle.out" &
  idler=$!
  for i in $(seq 1 100); do grep -q ready "$work/idle.out" && break; sleep 0.1; done
  sleep 3
  during=$(rss_kib "$jvm")
  wait "$idler"
  printf '| RSS with %s idle echo connections | %s KiB (%s KiB/conn) | %s |\n' "$IDLE" "$during" \
    "$(awk -v a="$during" -v b="$before" -v n="$IDLE" 'BEGIN{printf "%.1f", (a-b)/n}')" "$(tail -1 "$work/idle.out")"
fi
