#!/usr/bin/env bash
# bench/idle50k.sh - Superserver alone holding N (50,000) concurrent idle TCP echo connections:
# the server's resident memory per idle connection, whether its other services still answer at
# speed meanwhile, and whether the idle connections are still served afterwards.
#
#   bench/idle50k.sh                         # N=50000 over the sources 127.0.0.2-127.0.0.9 (~2 min)
#   N=100000 SOURCES=127.0.0.2-127.0.0.17 bench/idle50k.sh
#   SUPERSERVER_OPTS=-Xmx128m bench/idle50k.sh   # JVM options for the server (after bin/superserver's defaults)
#
# Run as root (the open-file limits and, only if needed, net.ipv4.ip_local_port_range). Steps:
#  1. Superserver (distribution/target/superserver) serves echo and daytime over TCP on 127.0.0.1,
#     ports PORT_BASE+7 and +13 (PORT_BASE 26600), from a generated inetd.conf, started with the
#     open-file limit NOFILE (200000, soft and hard: the server raises its soft limit to the hard one
#     at start anyway); the client gets the same limit.
#  2. A few seconds of echo and daytime traffic (so the JIT has compiled the paths), then echo and
#     daytime conn/s with no idle connection (DUR s each, CONC threads), SETTLE s, the server's RSS.
#  3. `ssbench idle` opens N connections with epoll (INFLIGHT connecting at once), each socket bound
#     to the next source address of SOURCES before connect (one address has only the ephemeral
#     ports of ip_local_port_range, ~28k, towards one server port), and checks that each echoes a
#     byte. If N / (number of sources) does not fit the port range, the range is widened to
#     1024-65535 for the run and restored afterwards.
#  4. With the N connections held: the server's RSS and open descriptors (SETTLE s after the last
#     one opened), its CPU over that quiet period, then echo and daytime conn/s again.
#  5. SAMPLE (1000; 0 = all) of the held connections, evenly spread, must still echo a byte; then
#     all close and, SETTLE s later, the RSS once more.
# Prints one table (also $BENCH_CACHE/idle50k/<stamp>/table.md, with the run log and the server's
# log). Talks to 127.0.0.0/8 only; stops the server and the client, restores the port range and
# removes its temporary directory on exit, Ctrl-C included.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
CACHE=${BENCH_CACHE:-/tmp/superserver-bench}
N=${N:-50000}
SOURCES=${SOURCES:-127.0.0.2-127.0.0.9}
SAMPLE=${SAMPLE:-1000}
DUR=${DUR:-3}
CONC=${CONC:-8}
NOFILE=${NOFILE:-200000}
PORT_BASE=${PORT_BASE:-26600}
INFLIGHT=${INFLIGHT:-128}
SETTLE=${SETTLE:-5}
OPEN_TIMEOUT=${OPEN_TIMEOUT:-600}

BENCH_NAME=idle50k.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
whole_numbers N SAMPLE DUR CONC NOFILE PORT_BASE INFLIGHT SETTLE OPEN_TIMEOUT
[ "$(id -u)" = 0 ] || die "run as root (open-file limits, ip_local_port_range)"
[ -x "$SS_HOME/bin/superserver" ] || die "no distribution at $SS_HOME (mvn -B -DskipTests install)"
[ "$PORT_BASE" -ge 1024 ] && [ "$PORT_BASE" -le 65000 ] || die "PORT_BASE must be within 1024..65000"
[ "$NOFILE" -le "$(cat /proc/sys/fs/nr_open)" ] || die "NOFILE above fs.nr_open ($(cat /proc/sys/fs/nr_open))"
ip2int() { local IFS=.; set -- $1; echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )); }
nsrc=0
for part in ${SOURCES//,/ }; do
  lo=${part%-*}; hi=${part#*-}
  [[ $lo =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ && $hi =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SOURCES must be 127.x.y.z addresses or ranges"
  nsrc=$(( nsrc + $(ip2int "$hi") - $(ip2int "$lo") + 1 ))
done
[ "$nsrc" -ge 1 ] || die "SOURCES is empty"

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$CACHE/idle50k/$STAMP
mkdir -p "$OUT" || exit 1
TMP=$(mktemp -d /tmp/ss-idle50k.XXXXXX) || exit 1
LOG=$OUT/run.log
SSB=$TMP/ssbench

RANGE_FILE=/proc/sys/net/ipv4/ip_local_port_range
RANGE_OLD=; SERVER=; IDLER=
stop_server() {
  [ -n "$SERVER" ] || return 0
  local i
  kill -TERM -- "-$SERVER" 2>/dev/null
  for i in $(seq 1 100); do alive "$SERVER" || break; sleep 0.1; done
  alive "$SERVER" && { log "server ignored TERM: KILL"; kill -KILL -- "-$SERVER" 2>/dev/null; }
  wait "$SERVER" 2>/dev/null
  SERVER=
}
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$IDLER" ]; then kill -TERM "$IDLER" 2>/dev/null; wait "$IDLER" 2>/dev/null; fi
  stop_server
  if [ -n "$RANGE_OLD" ]; then printf '%s\n' "$RANGE_OLD" > "$RANGE_FILE" && log "restored ip_local_port_range to $RANGE_OLD"; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gcc -O2 -Wall -pthread -o "$SSB" "$here/ssbench.c" || exit 1
# The server (and the client) need N descriptors and some. Raising the hard limit needs
# CAP_SYS_RESOURCE; where it is missing (a container), N is lowered to what the hard limit holds.
N_ASKED=$N; LIMIT_NOTE=
if ! ulimit -n "$NOFILE" 2>/dev/null; then
  hard=$(ulimit -Hn)
  ulimit -n "$hard"
  LIMIT_NOTE="the open-file limit cannot be raised to $NOFILE here (hard limit $hard; raising it needs CAP_SYS_RESOURCE)"
  NOFILE=$hard
  if [ "$N" -gt $((hard - 1000)) ]; then
    [ "${STRICT:-0}" = 1 ] && die "$LIMIT_NOTE; N=$N does not fit"
    N=$((hard - 1000))
    LIMIT_NOTE="$LIMIT_NOTE: N lowered from $N_ASKED to $N (STRICT=1 stops instead)"
  fi
  log "$LIMIT_NOTE"
fi
[ "$NOFILE" -ge $((N + 1000)) ] || die "NOFILE ($NOFILE) must exceed N ($N) by 1000 at least"
ECHO=$((PORT_BASE + 7)); DAYTIME=$((PORT_BASE + 13))
for p in $ECHO $DAYTIME; do ss -H -ltn "sport = :$p" | grep -q . && die "port $p is in use already; set PORT_BASE"; done

# ephemeral ports: each source address reaches one server port from at most the range's ports
read -r plo phi < "$RANGE_FILE"
per_src=$(( (N + nsrc - 1) / nsrc ))
if [ "$per_src" -gt $(( (phi - plo + 1) * 9 / 10 )) ]; then
  RANGE_OLD="$plo	$phi"
  printf '1024\t65535\n' > "$RANGE_FILE" || die "cannot widen $RANGE_FILE"
  log "ip_local_port_range widened from $plo-$phi to 1024-65535 for the run ($per_src connections per source address)"
else
  log "ip_local_port_range $plo-$phi holds $per_src connections per source address ($nsrc sources): left as is"
fi

user=$(id -un)
cat > "$TMP/services" <<EOF
echo		$ECHO/tcp
daytime		$DAYTIME/tcp
EOF
cat > "$TMP/inetd.conf" <<CONF
127.0.0.1:echo		stream	tcp	nowait	$user	internal
127.0.0.1:daytime	stream	tcp	nowait	$user	internal
CONF
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
fds() { ls "/proc/$SERVER/fd" 2>/dev/null | wc -l; }
cpu_ms() { local s f; s=$(cat "/proc/$SERVER/stat") || return; s=${s##*) }; read -r -a f <<< "$s"; echo $(( (f[11] + f[12]) * 1000 / $(getconf CLK_TCK) )); }
rate() { # PORT PAYLOAD -> conn/s line
  "$SSB" conn -p "$1" -t "$CONC" -s "$2" -d "$DUR" 2>&1 | tail -1
}

log "results in $OUT; N=$N over $nsrc source addresses ($SOURCES), open-file limit $NOFILE, load average $(cut -d' ' -f1-3 /proc/loadavg)"
setsid env "SUPERSERVER_OPTS=${SUPERSERVER_OPTS:-}" "$SS_HOME/bin/superserver" --services "$TMP/services" --inetd "$TMP/inetd.conf" \
  --data "$TMP/data" --pid-file "$TMP/superserver.pid" > "$OUT/superserver.log" 2>&1 </dev/null &
SERVER=$!
for i in $(seq 1 300); do
  ss -H -ltn "sport = :$ECHO" | grep -q . && ss -H -ltn "sport = :$DAYTIME" | grep -q . && break
  alive "$SERVER" || { tail -20 "$OUT/superserver.log" >&2; die "the server stopped"; }
  sleep 0.1
done
ss -H -ltn "sport = :$ECHO" | grep -q . || die "the server did not listen on $ECHO"
limits=$(awk '/^Max open files/ { print $4 ":" $5 }' "/proc/$SERVER/limits")
log "server up, pid $SERVER, open-file limit (soft:hard) $limits"

"$SSB" conn -p "$ECHO" -t "$CONC" -s 16 -d 3 > /dev/null
"$SSB" conn -p "$DAYTIME" -t "$CONC" -s 0 -d 2 > /dev/null
echo0=$(rate "$ECHO" 16); log "echo, no idle connections: $echo0"
day0=$(rate "$DAYTIME" 0); log "daytime, no idle connections: $day0"
sleep "$SETTLE"
rss0=$(rss); fds0=$(fds)
log "before: RSS $rss0 KiB, $fds0 open descriptors"

"$SSB" idle -p "$ECHO" -k "$N" -S "$SOURCES" -C "$INFLIGHT" -c "$SAMPLE" -d "$OPEN_TIMEOUT" -H 3000 > "$TMP/idle.out" 2>&1 &
IDLER=$!
ready=
for i in $(seq 1 $(( (OPEN_TIMEOUT + 30) * 2 ))); do
  ready=$(grep -m1 '^READY' "$TMP/idle.out") && break
  alive "$IDLER" || break
  sleep 0.5
done
[ -n "$ready" ] || { cat "$TMP/idle.out" >&2; die "the idle client never got ready"; }
log "idle client: $ready"
verified=$(kv "$ready" verified)
c0=$(cpu_ms); sleep "$SETTLE"; c1=$(cpu_ms)
rss1=$(rss); fds1=$(fds)
log "with $verified idle connections: RSS $rss1 KiB, $fds1 open descriptors, server CPU $((c1 - c0)) ms over ${SETTLE} s"
echo1=$(rate "$ECHO" 16); log "echo, $verified idle connections held: $echo1"
day1=$(rate "$DAYTIME" 0); log "daytime, $verified idle connections held: $day1"
rss2=$(rss)
kill -USR1 "$IDLER"
wait "$IDLER"; IDLER=
done_line=$(tail -1 "$TMP/idle.out")
log "idle client: $done_line"
sleep "$SETTLE"
rss3=$(rss); fds3=$(fds)
log "after closing: RSS $rss3 KiB, $fds3 open descriptors"
stop_server
[ -n "$RANGE_OLD" ] && { printf '%s\n' "$RANGE_OLD" > "$RANGE_FILE"; log "restored ip_local_port_range to $RANGE_OLD"; RANGE_OLD=; }
cp "$TMP/idle.out" "$OUT/idle.out"

per=$(awk -v a="$rss1" -v b="$rss0" -v n="$verified" 'BEGIN { if (n > 0) printf "%.2f", (a - b) / n; else print "-" }')
{
  echo "Superserver alone, $N idle TCP echo connections from $nsrc source addresses ($SOURCES); conn/s: $CONC threads x $DUR s."
  [ -n "$LIMIT_NOTE" ] && echo "NOTE: $LIMIT_NOTE."
  echo
  echo "| | value |"
  echo "|---|---:|"
  echo "| connections opened and echoing once / asked | $verified / $N (failed $(kv "$ready" failed), in $(kv "$ready" open_s) s) |"
  echo "| server RSS KiB before | $rss0 |"
  echo "| server RSS KiB with the connections held | $rss1 |"
  echo "| server RSS KiB per idle connection | $per |"
  echo "| server open descriptors before / held / after | $fds0 / $fds1 / $fds3 |"
  echo "| server CPU while holding them, ${SETTLE} s quiet | $((c1 - c0)) ms |"
  echo "| echo conn/s without / with them held | $(kv "$echo0" rate) / $(kv "$echo1" rate) (errors $(kv "$echo1" errors)) |"
  echo "| daytime conn/s without / with them held | $(kv "$day0" rate) / $(kv "$day1" rate) (errors $(kv "$day1" errors)) |"
  echo "| server RSS KiB held, after that load | $rss2 |"
  echo "| held connections still echoing (sample) | $(kv "$done_line" alive) / $(kv "$done_line" checked) (closed by the server meanwhile: $(kv "$done_line" dropped)) |"
  echo "| server RSS KiB ${SETTLE} s after they closed | $rss3 |"
  echo
  echo "Server open-file limit (soft:hard) $limits; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
} | tee "$OUT/table.md"
echo
echo "table: $OUT/table.md; log: $LOG; server log: $OUT/superserver.log"
