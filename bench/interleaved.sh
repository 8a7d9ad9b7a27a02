#!/usr/bin/env bash
# bench/interleaved.sh - Superserver and the classic superservers, all running at once, measured in
# interleaved rounds, so that a shared machine's background load touches every daemon alike.
#
#   bench/interleaved.sh                               # every installed daemon, ROUNDS=3 x DUR=3 s (~10 min)
#   ROUNDS=1 DUR=1 bench/interleaved.sh                # a quick check (~2 min)
#   PEERS="superserver tcpserver" SCENARIOS="exec tcpd" bench/interleaved.sh
#
# Run as root from anywhere (the peers run in a private mount namespace with their own
# /etc/services, and the tcpd scenario edits /etc/hosts.allow and /etc/hosts.deny). The peers are the
# ones the workplace's ../shared/bench/setup.sh installs: openbsd-inetd (/usr/sbin/inetd), xinetd and
# inetutils-inetd (unpacked under $BENCH_CACHE/extra/root), ucspi-tcp's tcpserver; and this project's
# distribution (distribution/target/superserver, built by mvn -B -DskipTests install).
#
# What it does:
#  1. Superserver's start-up time first, alone: STARTS times, bin/superserver is launched and
#     `ssbench waitport` connects to its TCP ports in a tight loop (every 1 ms) until each accepts;
#     the time from the launch to the first and to the last port accepting, once with a fresh --data
#     directory (the framework's bundle cache is built; the launcher binds the sockets the inetd.conf
#     asks for) and once with the one left by that start (the sockets it recorded).
#  2. Every daemon in PEERS is started at once, each on 127.0.0.1 at its own ports (PORT_BASE +
#     100 openbsd-inetd, +200 xinetd, +400 inetutils-inetd, +500 tcpserver, +600 superserver; +7
#     echo tcp/udp, +9 discard, +13 daytime, +19 chargen, +37 time, +50 /bin/cat per connection,
#     +51 tcpd -> cat as daemon "benchcat"), configured as ../shared/bench/targets/*.sh configure them.
#     Their idle RSS is taken (the sum over each daemon's processes).
#  3. ROUNDS rounds; before each, the 1-minute load average is read from /proc/loadavg. In a round,
#     for each scenario, each daemon is driven in turn for DUR seconds, the first daemon rotating
#     from round to round. Around every run of a connection scenario, utime+stime of the process(es)
#     listening on that port are read from /proc/PID/stat (fields 14+15, the daemon's own CPU) and
#     also cutime+cstime (16+17, the per-connection children it has reaped), giving microseconds of
#     CPU per connection; and the whole machine's busy time from /proc/stat (user, nice, system, irq
#     and softirq of every processor: the load generator, the kernel's network work and the daemon
#     together), which tells how much of a connection's whole cost the daemon's own share is, and
#     the context switches of every processor (/proc/stat ctxt) per connection, which tell how often a
#     connection puts a waiting thread to sleep or wakes one. The tables show the median over rounds.
#  4. The idle RSS again after the rounds (SETTLE seconds after the last run), then everything stops.
#
# Superserver's UDP built-ins limit the replies per source address (PID org.superserver.builtin,
# by default 20 a second after a burst of 40), which a load from one loopback address would exhaust
# at once. For this benchmark the budget is raised to UDP_BUDGET replies (default 10,000,000) and
# 1,000,000,000 bytes a second and as bursts, by a .cfg file in a deploy directory of the run's own,
# given to FileInstall with -Dfelix.fileinstall.dir in SUPERSERVER_OPTS (config.properties: felix.*
# properties may be overridden so), so the udp row measures the server, not the guard.
#
# Knobs (environment): PEERS ("superserver openbsd-inetd xinetd inetutils-inetd tcpserver"; a
# missing one is skipped with a message), SCENARIOS ("echo daytime time exec tcpd chargen discard
# udp rss"), ROUNDS (3), DUR (3 s per run), CONC (8 client threads), UDPCONC (4), PAYLOAD (16 bytes +
# CRLF), STARTS (3; 0 skips the start-up phase), WARMUP (1 s of every scenario on every daemon before
# the first round, 0: none), SETTLE (5 s before the final RSS), PORT_BASE (25000), UDP_BUDGET,
# SUPERSERVER_HOME, BENCH_CACHE (/tmp/superserver-bench).
#
# Output: one markdown table (rows: scenarios, CPU per connection, RSS; columns: daemons and
# superserver / best peer), the load averages and the start-up times, also written to
# $BENCH_CACHE/interleaved/<stamp>/table.md; every run's figures in raw.tsv there, the daemons' logs
# in logs/. Talks to 127.0.0.0/8 only. Stops everything it starts (each daemon runs in a session of
# its own; its process group and any descendant are ended), restores hosts.allow and hosts.deny byte
# for byte and removes its temporary directory on exit, Ctrl-C included.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
CACHE=${BENCH_CACHE:-/tmp/superserver-bench}
EXTRA=$CACHE/extra/root
ALL_PEERS="superserver openbsd-inetd xinetd inetutils-inetd tcpserver"
ALL_SCENARIOS="echo daytime time exec tcpd chargen discard udp rss"
PEERS=${PEERS:-$ALL_PEERS}
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
CONC=${CONC:-8}
UDPCONC=${UDPCONC:-4}
PAYLOAD=${PAYLOAD:-16}
STARTS=${STARTS:-3}
WARMUP=${WARMUP:-1}
SETTLE=${SETTLE:-5}
PORT_BASE=${PORT_BASE:-25000}
UDP_BUDGET=${UDP_BUDGET:-10000000}

BENCH_NAME=interleaved.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
whole_numbers ROUNDS DUR CONC UDPCONC PAYLOAD STARTS WARMUP SETTLE PORT_BASE UDP_BUDGET
[ "$ROUNDS" -ge 1 ] && [ "$DUR" -ge 1 ] || die "ROUNDS and DUR must be at least 1"
[ "$PORT_BASE" -ge 1024 ] && [ "$PORT_BASE" -le 64000 ] || die "PORT_BASE must be within 1024..64000"
for s in $SCENARIOS; do case " $ALL_SCENARIOS " in *" $s "*) ;; *) die "unknown scenario '$s' (known: $ALL_SCENARIOS)";; esac; done
for p in $PEERS; do case " $ALL_PEERS " in *" $p "*) ;; *) die "unknown daemon '$p' (known: $ALL_PEERS)";; esac; done
[ "$(id -u)" = 0 ] || die "run as root (private /etc/services per peer, hosts.allow edits)"
command -v gcc >/dev/null && command -v ss >/dev/null && command -v unshare >/dev/null && command -v setsid >/dev/null \
  || die "needs gcc, ss (iproute2), unshare and setsid"

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$CACHE/interleaved/$STAMP
mkdir -p "$OUT/logs" || exit 1
TMP=$(mktemp -d /tmp/ss-interleaved.XXXXXX) || exit 1
RAW=$OUT/raw.tsv
LOG=$OUT/run.log
SSB=$TMP/ssbench
CLK_TCK=$(getconf CLK_TCK)


# ------------------------------------------------------------------ processes
declare -A LEADERS=()   # daemon -> pids of its session leaders (= process groups)
declare -A MAINPIDS=()  # daemon -> pids of its main processes (whose trees are its memory)
GROUPS_STARTED=()        # every process group started, for the cleanup
starttime() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return; s=${s##*) }; set -- $s; echo "${20}"; }
pgrp_of() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return; s=${s##*) }; set -- $s; echo "$3"; }
descendants() { # PIDS... -> the pids and all their descendants, one a line
  awk -v roots="$*" '
    FNR == 1 { pid = "" }
    /^Pid:/  { pid = $2 }
    /^PPid:/ { pp[pid] = $2 }
    END {
      n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1
      changed = 1
      while (changed) { changed = 0; for (p in pp) if (!(p in want) && (pp[p] in want)) { want[p] = 1; changed = 1 } }
      for (p in want) print p
    }' < <(cat /proc/[0-9]*/status 2>/dev/null)
}
alive_any() { local p; for p; do alive "$p" && return 0; done; return 1; }
stop_groups() { # PGIDS... : TERM each group (and every descendant), KILL what is left after 5 s
  [ $# -gt 0 ] || return 0
  local snap=() p st i
  for p in $(descendants "$@"); do st=$(starttime "$p"); [ -n "$st" ] && snap+=("$p:$st"); done
  for p; do kill -TERM -- "-$p" 2>/dev/null; done
  for i in $(seq 1 50); do alive_any "$@" || break; sleep 0.1; done
  for p; do alive "$p" && { log "pid $p ignored TERM: KILL"; kill -KILL -- "-$p" 2>/dev/null; }; done
  # leftovers outside the groups (a child in a session of its own), only if still the same process
  for st in "${snap[@]}"; do
    p=${st%%:*}
    [ "$(starttime "$p")" = "${st#*:}" ] && kill -KILL "$p" 2>/dev/null
  done
  for p; do wait "$p" 2>/dev/null; done
  return 0
}
launch() { # DAEMON CMD... : CMD in a session of its own (its pid is its process group), output to the log
  local d=$1; shift
  setsid "$@" >>"$OUT/logs/$d.log" 2>&1 </dev/null &
  LEADERS[$d]="${LEADERS[$d]:-} $!"
  MAINPIDS[$d]="${MAINPIDS[$d]:-} $!"
  GROUPS_STARTED+=("$!")
}

# ------------------------------------------------------------------ hosts.allow / hosts.deny
HA=/etc/hosts.allow; HD=/etc/hosts.deny; BK=$OUT/hosts-backup; HOSTS_TOUCHED=0
hosts_install() {
  mkdir -p "$BK"
  local f
  for f in $HA $HD; do
    if [ -e "$f" ]; then cp -a "$f" "$BK/$(basename "$f")"; else touch "$BK/$(basename "$f").absent"; fi
  done
  HOSTS_TOUCHED=1
  # only the daemon name benchcat is affected; unrelated rules precede it so tcpd has something to parse
  printf '\n# --- bench (temporary, restored by bench/interleaved.sh) ---\nsshd: 10.0.0.0/255.0.0.0\nin.fingerd: LOCAL\nbenchcat: 127.0.0.1\n' >> $HA
  printf '\n# --- bench (temporary, restored by bench/interleaved.sh) ---\nbenchcat: ALL\n' >> $HD
}
hosts_restore() {
  [ "$HOSTS_TOUCHED" = 1 ] || return 0
  local f b
  for f in $HA $HD; do
    b=$BK/$(basename "$f")
    if [ -e "$b.absent" ]; then rm -f "$f"; elif [ -e "$b" ]; then cp -a "$b" "$f"; fi
  done
  HOSTS_TOUCHED=0
  log "restored $HA and $HD"
}

STARTUP_GROUP=
cleanup() {
  trap - EXIT INT TERM
  [ -n "$STARTUP_GROUP" ] && stop_groups "$STARTUP_GROUP"
  [ ${#GROUPS_STARTED[@]} -gt 0 ] && { stop_groups "${GROUPS_STARTED[@]}"; log "stopped every daemon"; }
  hosts_restore
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ daemons
xinetd_bin() { if [ -x /usr/sbin/xinetd ]; then echo /usr/sbin/xinetd; else echo "$EXTRA/usr/sbin/xinetd"; fi; }
inetutils_bin() { if [ -x "$EXTRA/usr/sbin/inetutils-inetd" ]; then echo "$EXTRA/usr/sbin/inetutils-inetd"; else echo /usr/sbin/inetutils-inetd; fi; }
missing_reason() { # DAEMON -> empty if it can run, else why not
  case $1 in
    superserver)
      [ -x "$SS_HOME/bin/superserver" ] || { echo "no distribution at $SS_HOME (mvn -B -DskipTests install)"; return; }
      command -v java >/dev/null || [ -x "${JAVA_HOME:-/nonexistent}/bin/java" ] || echo "no java" ;;
    openbsd-inetd) [ -x /usr/sbin/inetd ] || echo "no /usr/sbin/inetd (../shared/bench/setup.sh installs openbsd-inetd)" ;;
    xinetd) [ -x "$(xinetd_bin)" ] || echo "no xinetd at /usr/sbin or $EXTRA/usr/sbin (../shared/bench/setup.sh)" ;;
    inetutils-inetd) [ -x "$(inetutils_bin)" ] || echo "no inetutils-inetd under $EXTRA/usr/sbin (../shared/bench/setup.sh)" ;;
    tcpserver) command -v tcpserver >/dev/null && command -v argv0 >/dev/null || echo "no tcpserver/argv0 (ucspi-tcp)" ;;
  esac
}
base_of() {
  case $1 in
    openbsd-inetd) echo $((PORT_BASE + 100)) ;; xinetd) echo $((PORT_BASE + 200)) ;;
    inetutils-inetd) echo $((PORT_BASE + 400)) ;; tcpserver) echo $((PORT_BASE + 500)) ;;
    superserver) echo $((PORT_BASE + 600)) ;;
  esac
}
declare -A PORT=() NA_WHY=()
set_ports() { # DAEMON : PORT[daemon|scenario], empty where the daemon cannot serve it
  local d=$1 b; b=$(base_of "$d")
  PORT[$d|echo]=$((b + 7)); PORT[$d|discard]=$((b + 9)); PORT[$d|daytime]=$((b + 13))
  PORT[$d|chargen]=$((b + 19)); PORT[$d|time]=$((b + 37)); PORT[$d|exec]=$((b + 50))
  PORT[$d|tcpd]=$((b + 51)); PORT[$d|udp]=$((b + 7))
  case $d in
    tcpserver) # one process per service, no built-ins
      for s in echo discard daytime chargen time udp; do PORT[$d|$s]=; NA_WHY[$d|$s]="no built-ins"; done ;;
    openbsd-inetd) # dg_badinput: datagrams from 0/8, 127/8, 255/8 are dropped as loop protection
      PORT[$d|udp]=; NA_WHY[$d|udp]="drops datagrams from 127/8" ;;
  esac
}
tcp_ports() { local d=$1 s out=(); for s in echo discard daytime chargen time exec tcpd; do [ -n "${PORT[$d|$s]}" ] && out+=("${PORT[$d|$s]}"); done; echo "${out[*]}"; }
mk_services() { # FILE BASE
  local f=$1 b=$2
  cat > "$f" <<EOF
echo		$((b+7))/tcp
echo		$((b+7))/udp
discard		$((b+9))/tcp
discard		$((b+9))/udp
daytime		$((b+13))/tcp
daytime		$((b+13))/udp
chargen		$((b+19))/tcp
chargen		$((b+19))/udp
time		$((b+37))/tcp
time		$((b+37))/udp
benchexec	$((b+50))/tcp
benchtcpd	$((b+51))/tcp
EOF
}
mk_inetd_conf() { # FILE : the services of ../shared/bench/targets/{openbsd-inetd,inetutils-inetd,superserver}.sh
  cat > "$1" <<CONF
127.0.0.1:echo		stream	tcp	nowait	root	internal
127.0.0.1:echo		dgram	udp	wait	root	internal
127.0.0.1:discard	stream	tcp	nowait	root	internal
127.0.0.1:chargen	stream	tcp	nowait	root	internal
127.0.0.1:daytime	stream	tcp	nowait	root	internal
127.0.0.1:time		stream	tcp	nowait	root	internal
127.0.0.1:benchexec	stream	tcp	nowait	root	/bin/cat	cat
127.0.0.1:benchtcpd	stream	tcp	nowait	root	/usr/sbin/tcpd	$TMP/benchcat
CONF
}
mk_xinetd_conf() { # FILE : as ../shared/bench/targets/xinetd.sh (cps raised: the default 50 10 would pause services)
  {
    printf 'defaults\n{\n  instances  = UNLIMITED\n  per_source = UNLIMITED\n  cps        = 100000 1\n}\n'
    local s
    for s in echo discard chargen daytime time; do
      printf 'service %s\n{\n  id          = %s-stream\n  type        = INTERNAL\n  socket_type = stream\n  protocol    = tcp\n  wait        = no\n  user        = root\n  bind        = 127.0.0.1\n}\n' "$s" "$s"
    done
    cat <<SVC
service echo
{
  id          = echo-dgram
  type        = INTERNAL
  socket_type = dgram
  protocol    = udp
  wait        = yes
  user        = root
  bind        = 127.0.0.1
}
service benchexec
{
  socket_type = stream
  protocol    = tcp
  wait        = no
  user        = root
  server      = /bin/cat
  bind        = 127.0.0.1
}
service benchtcpd
{
  socket_type = stream
  protocol    = tcp
  wait        = no
  user        = root
  flags       = NAMEINARGS
  server      = /usr/sbin/tcpd
  server_args = $TMP/benchcat
  bind        = 127.0.0.1
}
SVC
  } > "$1"
}
ss_opts() { # the JVM options that point FileInstall at the run's deploy dir with the raised UDP budget
  echo "-Dfelix.fileinstall.dir=$TMP/ss-deploy ${SUPERSERVER_OPTS:-}"
}
ss_setup() {
  mkdir -p "$TMP/ss-deploy" "$TMP/superserver"
  cat > "$TMP/ss-deploy/org.superserver.builtin.cfg" <<CFG
# bench/interleaved.sh: the UDP built-ins' reply budget raised so that the udp row measures the server
udp.replies.per.second = $UDP_BUDGET
udp.replies.burst = $UDP_BUDGET
udp.bytes.per.second = 1000000000
udp.bytes.burst = 1000000000
CFG
  mk_services "$TMP/superserver/services" "$(base_of superserver)"
  mk_inetd_conf "$TMP/superserver/inetd.conf"
}
ss_argv() { # DATA PIDFILE : SS_ARGV = the command that starts Superserver on the run's inetd.conf
  SS_ARGV=(env "SUPERSERVER_OPTS=$(ss_opts)" "$SS_HOME/bin/superserver" --services "$TMP/superserver/services"
    --inetd "$TMP/superserver/inetd.conf" --data "$1" --pid-file "$2")
}
start_daemon() { # DAEMON
  local d=$1 b dir=$TMP/$1; b=$(base_of "$d"); mkdir -p "$dir"
  case $d in
    superserver)
      ss_argv "$dir/data" "$dir/superserver.pid"
      launch "$d" "${SS_ARGV[@]}" ;;
    openbsd-inetd)
      mk_services "$dir/services" "$b"; mk_inetd_conf "$dir/inetd.conf"
      launch "$d" "${IN_SERVICES[@]}" "$dir/services" \
        /usr/sbin/inetd -i -R 100000000 -q 128 "$dir/inetd.conf" ;;
    xinetd)
      mk_services "$dir/services" "$b"; mk_xinetd_conf "$dir/xinetd.conf"
      launch "$d" "${IN_SERVICES[@]}" "$dir/services" \
        "$(xinetd_bin)" -dontfork -pidfile "$dir/xinetd.pid" -f "$dir/xinetd.conf" ;;
    inetutils-inetd)
      # no foreground mode without debug output: it daemonizes (a session of its own), found by its pid file
      mk_services "$dir/services" "$b"; mk_inetd_conf "$dir/inetd.conf"
      rm -f "$dir/inetutils-inetd.pid"
      launch "$d" "${IN_SERVICES[@]}" "$dir/services" \
        "$(inetutils_bin)" -R 100000000 --pidfile="$dir/inetutils-inetd.pid" "$dir/inetd.conf"
      local i pid
      for i in $(seq 1 100); do [ -s "$dir/inetutils-inetd.pid" ] && break; sleep 0.05; done
      pid=$(tr -dc '0-9' < "$dir/inetutils-inetd.pid" 2>/dev/null)
      if [ -n "$pid" ]; then
        MAINPIDS[$d]=" $pid"; LEADERS[$d]="${LEADERS[$d]} $(pgrp_of "$pid")"
        GROUPS_STARTED+=("$(pgrp_of "$pid")")
      fi ;;
    tcpserver)
      # as ../shared/bench/targets/tcpserver.sh: no DNS/ident lookups, -c 2000, backlog 128; tcpd takes the
      # daemon from argv[0], which tcpserver cannot set, so the tcpd port goes through argv0 (one exec more)
      launch "$d" tcpserver -q -H -R -l 0 -c 2000 -b 128 127.0.0.1 "${PORT[$d|exec]}" /bin/cat
      launch "$d" tcpserver -q -H -R -l 0 -c 2000 -b 128 127.0.0.1 "${PORT[$d|tcpd]}" argv0 /usr/sbin/tcpd "$TMP/benchcat" ;;
  esac
}
listening() { # tcp|udp PORT : true if something listens there
  if [ "$1" = udp ]; then ss -H -lun "sport = :$2" 2>/dev/null | grep -q .; else ss -H -ltn "sport = :$2" 2>/dev/null | grep -q .; fi
}
listen_pids() { # tcp|udp PORT -> the pids holding that listening socket
  local f=-ltnp; [ "$1" = udp ] && f=-lunp
  ss -H $f "sport = :$2" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | tr '\n' ' '
}
wait_daemon() { # DAEMON : every TCP port of it listens (30 s at most)
  local d=$1 p i ok
  for i in $(seq 1 300); do
    ok=1
    for p in $(tcp_ports "$d"); do listening tcp "$p" || { ok=0; break; }; done
    [ $ok = 1 ] && return 0
    alive_any ${MAINPIDS[$d]} || return 1
    sleep 0.1
  done
  return 1
}
mem_of() { # DAEMON -> "rss_kib nproc" summed over its main processes and their descendants
  local files=() p
  for p in $(descendants ${MAINPIDS[$1]}); do files+=("/proc/$p/status"); done
  [ ${#files[@]} -gt 0 ] || { echo "0 0"; return; }
  cat "${files[@]}" 2>/dev/null | awk '/^VmRSS:/ { rss += $2; n++ } END { printf "%d %d\n", rss, n }'
}
cpu_ticks() { # PIDS... -> "own children": utime+stime and cutime+cstime summed, in clock ticks
  local p s own=0 ch=0 f
  for p; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    s=${s##*) }
    read -r -a f <<< "$s"        # f[0] is field 3 (state): field N is f[N-3]
    own=$((own + f[11] + f[12])); ch=$((ch + f[13] + f[14]))
  done
  echo "$own $ch"
}

# ------------------------------------------------------------------ helpers
has() { case " $SCENARIOS " in *" $1 "*) return 0;; esac; return 1; }
scen_args() { # SCENARIO PORT -> the ssbench arguments
  case $1 in
    echo|exec|tcpd) echo "conn -p $2 -t $CONC -s $PAYLOAD" ;;
    daytime|time) echo "conn -p $2 -t $CONC -s 0" ;;
    chargen) echo "stream -p $2 -m read" ;;
    discard) echo "stream -p $2 -m write" ;;
    udp) echo "udp -p $2 -t $UDPCONC -s $PAYLOAD" ;;
  esac
}
is_conn() { case $1 in echo|daytime|time|exec|tcpd|udp) return 0;; esac; return 1; }

# ------------------------------------------------------------------ start
gcc -O2 -Wall -pthread -o "$SSB" "$here/ssbench.c" || exit 1
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"   # the hard limit, where it cannot be raised
ln -s /bin/cat "$TMP/benchcat"   # tcpd's daemon name is argv[0]'s basename: benchcat
printf 'round\tscenario\tdaemon\tslot\tvalue\tunit\tok\terrors\tcpu_own_ticks\tcpu_own_plus_children_ticks\tcpu_own_us_per_op\tcpu_all_us_per_op\tloadavg1\tssbench\tmachine_us_per_op\tmachine_switches_per_op\n' > "$RAW"

ACTIVE=()
for d in $PEERS; do
  why=$(missing_reason "$d")
  if [ -n "$why" ]; then log "skipping $d: $why"; continue; fi
  ACTIVE+=("$d"); set_ports "$d"
done
[ ${#ACTIVE[@]} -gt 0 ] || die "no daemon to measure"
if has tcpd && [ ! -x /usr/sbin/tcpd ]; then log "no /usr/sbin/tcpd: the tcpd scenario is left out"; SCENARIOS=${SCENARIOS/tcpd/}; fi
for d in "${ACTIVE[@]}"; do
  for p in $(tcp_ports "$d"); do listening tcp "$p" && die "port $p ($d) is in use already; set PORT_BASE"; done
  [ -n "${PORT[$d|udp]}" ] && listening udp "${PORT[$d|udp]}" && die "udp port ${PORT[$d|udp]} ($d) is in use already"
done
has tcpd && hosts_install
log "results in $OUT; daemons: ${ACTIVE[*]}; scenarios: $SCENARIOS; ROUNDS=$ROUNDS DUR=$DUR CONC=$CONC UDPCONC=$UDPCONC PAYLOAD=$PAYLOAD; load average $(cut -d' ' -f1-3 /proc/loadavg)"
case " ${ACTIVE[*]} " in *" superserver "*) HAVE_SS=1; ss_setup ;; *) HAVE_SS=0 ;; esac

# ------------------------------------------------------------------ 1. Superserver's start-up time, alone
declare -A START_MS=()
if [ "$HAVE_SS" = 1 ] && [ "$STARTS" -gt 0 ]; then
  ports=$(tcp_ports superserver | tr ' ' ',')
  for i in $(seq 1 "$STARTS"); do
    for kind in fresh existing; do
      [ "$kind" = fresh ] && rm -rf "$TMP/startup-data"
      t0=$EPOCHREALTIME
      ss_argv "$TMP/startup-data" "$TMP/startup.pid"
      setsid "${SS_ARGV[@]}" >>"$OUT/logs/superserver-startup.log" 2>&1 </dev/null &
      STARTUP_GROUP=$!
      line=$("$SSB" waitport -P "$ports" -A "${PORT[superserver|daytime]}" -Z "$t0" -d 60 | tail -1)
      sleep 1.5   # a server that has run a moment: the next start finds its record of the listening sockets
      stop_groups "$STARTUP_GROUP"; STARTUP_GROUP=
      log "start-up $i ($kind --data): $line"
      printf '%s\tstartup-%s\tsuperserver\t-\t%s\tms\t-\t-\t-\t-\t-\t-\t%s\t%s\n' "$i" "$kind" "$(kv "$line" first_ms)" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$line" >> "$RAW"
      v=$(kv "$line" first_ms); [ "${v:0:1}" != - ] && START_MS[$kind|first]="${START_MS[$kind|first]:-} $v"
      v=$(kv "$line" all_ms); [ "${v:0:1}" != - ] && START_MS[$kind|all]="${START_MS[$kind|all]:-} $v"
      v=$(kv "$line" answer_ms); [ "${v:0:1}" != - ] && START_MS[$kind|answer]="${START_MS[$kind|answer]:-} $v"
      sleep 0.5
    done
  done
fi

# ------------------------------------------------------------------ 2. every daemon at once
UP=()
for d in "${ACTIVE[@]}"; do start_daemon "$d"; done
for d in "${ACTIVE[@]}"; do
  if wait_daemon "$d"; then
    UP+=("$d")
  else
    log "$d did not come up (see $OUT/logs/$d.log); left out"
    tail -5 "$OUT/logs/$d.log" >&2
    stop_groups ${LEADERS[$d]}
  fi
done
ACTIVE=("${UP[@]}")
[ ${#ACTIVE[@]} -gt 0 ] || die "no daemon came up"
declare -A LPIDS=()
for d in "${ACTIVE[@]}"; do
  for s in echo daytime time exec tcpd chargen discard; do
    [ -n "${PORT[$d|$s]}" ] && LPIDS[$d|$s]=$(listen_pids tcp "${PORT[$d|$s]}")
  done
  [ -n "${PORT[$d|udp]}" ] && LPIDS[$d|udp]=$(listen_pids udp "${PORT[$d|udp]}")
  log "$d up: main pids${MAINPIDS[$d]}; listening on echo ${PORT[$d|echo]:--} (pids ${LPIDS[$d|echo]:--}), exec ${PORT[$d|exec]} (pids ${LPIDS[$d|exec]:--}), tcpd ${PORT[$d|tcpd]} (pids ${LPIDS[$d|tcpd]:--})"
done
sleep 2
declare -A RSS0=() RSS1=()
for d in "${ACTIVE[@]}"; do
  set -- $(mem_of "$d"); RSS0[$d]=$1
  printf '0\trss-start\t%s\t-\t%s\tKiB\t-\t-\t-\t-\t-\t-\t%s\tnproc=%s\n' "$d" "$1" "$(cut -d' ' -f1 /proc/loadavg)" "$2" >> "$RAW"
done
log "idle RSS at start (KiB): $(for d in "${ACTIVE[@]}"; do printf '%s=%s ' "$d" "${RSS0[$d]}"; done)"

RUN_SCEN=()
for s in echo daytime time exec tcpd chargen discard udp; do has "$s" && RUN_SCEN+=("$s"); done

declare -A VAL=() CPU=() CPUALL=() CPUM=() CSW=() ERR=()
run_one() { # ROUND SCENARIO DAEMON SLOT [warm-up seconds]
  local r=$1 s=$2 d=$3 slot=$4 dur=${5:-$DUR} port=${PORT[$3|$2]} line before after v unit ok err own=- all=- cown=- call=-
  local m0 m1 c0 c1 cmach=- cswitch=-
  [ -n "$port" ] || return 0
  # shellcheck disable=SC2046
  before=$(cpu_ticks ${LPIDS[$d|$s]})
  m0=$(machine_ticks); c0=$(machine_switches)
  line=$("$SSB" $(scen_args "$s" "$port") -d "$dur" 2>&1 | tail -1)
  m1=$(machine_ticks); c1=$(machine_switches)
  sleep 0.3   # the per-connection children of the last connections are reaped
  after=$(cpu_ticks ${LPIDS[$d|$s]})
  [ "$r" = warmup ] && { sleep 0.2; return 0; }
  v=$(kv "$line" rate); ok=$(kv "$line" ok); err=$(kv "$line" errors)
  case $s in chargen|discard) unit=MB/s; ok=-;; udp) unit=req/s;; *) unit=conn/s;; esac
  set -- $before $after
  own=$(($3 - $1)); all=$(($3 + $4 - $1 - $2))
  if is_conn "$s" && [ -n "${LPIDS[$d|$s]:-}" ] && [ "${ok:-0}" != - ] && [ "${ok:-0}" -gt 0 ]; then
    cown=$(awk -v t="$own" -v n="$ok" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
    call=$(awk -v t="$all" -v n="$ok" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
    CPU[$s|$d]="${CPU[$s|$d]:-} $cown"; CPUALL[$s|$d]="${CPUALL[$s|$d]:-} $call"
  fi
  if is_conn "$s" && [ "${ok:-0}" != - ] && [ "${ok:-0}" -gt 0 ]; then
    cmach=$(awk -v t="$((m1 - m0))" -v n="$ok" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
    CPUM[$s|$d]="${CPUM[$s|$d]:-} $cmach"
    cswitch=$(awk -v c="$((c1 - c0))" -v n="$ok" 'BEGIN { printf "%.2f", c / n }')
    CSW[$s|$d]="${CSW[$s|$d]:-} $cswitch"
  fi
  VAL[$s|$d]="${VAL[$s|$d]:-} ${v:-0}"
  [ "${err:-0}" != 0 ] && ERR[$s|$d]=$(( ${ERR[$s|$d]:-0} + ${err%%.*} ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$d" "$slot" "${v:-0}" "$unit" "${ok:--}" \
    "${err:--}" "$own" "$all" "$cown" "$call" "$(cut -d' ' -f1 /proc/loadavg)" "$line" "$cmach" "$cswitch" >> "$RAW"
  log "round $r $s $d: $line cpu_us/op=$cown (with children $call, whole machine $cmach, $cswitch context switches)"
  sleep 0.2
}

n=${#ACTIVE[@]}
if [ "$WARMUP" -gt 0 ]; then
  log "warm-up: ${WARMUP}s of each scenario on each daemon"
  for s in "${RUN_SCEN[@]}"; do for d in "${ACTIVE[@]}"; do run_one warmup "$s" "$d" 0 "$WARMUP"; done; done
fi
LOADS=()
for r in $(seq 1 "$ROUNDS"); do
  la=$(cut -d' ' -f1 /proc/loadavg); LOADS+=("$la")
  log "round $r of $ROUNDS: load average (1 min) $la"
  printf '%s\tloadavg\t-\t-\t%s\t-\t-\t-\t-\t-\t-\t-\t%s\t%s\n' "$r" "$la" "$la" "$(cat /proc/loadavg)" >> "$RAW"
  for s in "${RUN_SCEN[@]}"; do
    for k in $(seq 0 $((n - 1))); do
      run_one "$r" "$s" "${ACTIVE[$(( (k + r - 1) % n ))]}" "$((k + 1))"
    done
  done
done
LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
if has rss; then
  log "waiting ${SETTLE}s before the final RSS"
  sleep "$SETTLE"
fi
for d in "${ACTIVE[@]}"; do
  set -- $(mem_of "$d"); RSS1[$d]=$1
  printf 'end\trss-end\t%s\t-\t%s\tKiB\t-\t-\t-\t-\t-\t-\t%s\tnproc=%s\n' "$d" "$1" "$(cut -d' ' -f1 /proc/loadavg)" "$2" >> "$RAW"
done
stop_groups "${GROUPS_STARTED[@]}"; GROUPS_STARTED=()
log "stopped every daemon; load average $(cut -d' ' -f1-3 /proc/loadavg)"
hosts_restore

# ------------------------------------------------------------------ table
fmtnum() { # VALUE DECIMALS
  awk -v x="$1" -v d="$2" 'BEGIN { if (x == "-" || x == "") { print "-"; exit } printf "%.*f\n", d, x }'
}
ROWS=()   # key|label|h(igher better)/l(ower better)|decimals
label_of() {
  case $1 in
    echo) echo "tcp echo" ;; daytime) echo "tcp daytime" ;; time) echo "tcp time" ;; exec) echo "exec /bin/cat" ;;
    tcpd) echo "tcpd->cat" ;; chargen) echo "chargen read" ;; discard) echo "discard write" ;; udp) echo "udp echo" ;;
  esac
}
for s in "${RUN_SCEN[@]}"; do
  case $s in chargen|discard) u=MB/s;; udp) u=req/s;; *) u=conn/s;; esac
  ROWS+=("val|$s|$(label_of "$s") $u|h|0")
done
for s in "${RUN_SCEN[@]}"; do
  is_conn "$s" || continue
  op=conn; [ "$s" = udp ] && op=req
  ROWS+=("cpu|$s|$(label_of "$s"): daemon CPU us/$op (lower is better)|l|1")
done
for s in "${RUN_SCEN[@]}"; do
  is_conn "$s" || continue
  op=conn; [ "$s" = udp ] && op=req
  ROWS+=("cpuall|$s|$(label_of "$s"): daemon + reaped children CPU us/$op (lower is better)|l|1")
done
for s in "${RUN_SCEN[@]}"; do
  is_conn "$s" || continue
  op=conn; [ "$s" = udp ] && op=req
  ROWS+=("cpum|$s|$(label_of "$s"): whole machine CPU us/$op (load generator, kernel, daemon)|l|1")
done
for s in "${RUN_SCEN[@]}"; do
  is_conn "$s" || continue
  op=conn; [ "$s" = udp ] && op=req
  ROWS+=("csw|$s|$(label_of "$s"): whole machine context switches/$op|l|2")
done
ROWS+=("rss0|-|idle RSS KiB at start (lower is better)|l|0" "rss1|-|idle RSS KiB after the rounds (lower is better)|l|0")

cell() { # KIND SCENARIO DAEMON -> the median (or the RSS), empty if none
  case $1 in
    val) median ${VAL[$2|$3]:-} ;;
    cpu) median ${CPU[$2|$3]:-} ;;
    cpuall) median ${CPUALL[$2|$3]:-} ;;
    cpum) median ${CPUM[$2|$3]:-} ;;
    csw) median ${CSW[$2|$3]:-} ;;
    rss0) echo "${RSS0[$3]:--}" ;;
    rss1) echo "${RSS1[$3]:--}" ;;
  esac
}
{
  echo "Every daemon running at once on 127.0.0.1; $ROUNDS round(s) x ${DUR} s per scenario and daemon, the first daemon"
  echo "rotating each round; medians over the rounds. conn: $CONC client threads, $PAYLOAD B + CRLF; udp: $UDPCONC threads;"
  echo "Superserver's UDP reply budget raised to $UDP_BUDGET replies/s. CPU: utime+stime of the listening process(es)"
  echo "per connection (children: + cutime+cstime, what it reaped); whole machine: every processor's busy time in /proc/stat"
  echo "per connection, and the context switches of every processor (/proc/stat ctxt) per connection. * = some requests failed or timed out (raw.tsv)."
  echo
  printf '| scenario |'; for d in "${ACTIVE[@]}"; do printf ' %s |' "$d"; done
  [ "$HAVE_SS" = 1 ] && printf ' superserver / best peer |'
  echo
  printf '|---|'; for d in "${ACTIVE[@]}"; do printf -- '---:|'; done; [ "$HAVE_SS" = 1 ] && printf -- '---:|'; echo
  for row in "${ROWS[@]}"; do
    IFS='|' read -r kind s label better dec <<< "$row"
    case $kind in rss0|rss1) has rss || continue;; esac
    printf '| %s |' "$label"
    best=; ssv=
    for d in "${ACTIVE[@]}"; do
      v=$(cell "$kind" "$s" "$d")
      if [ -z "$v" ] || [ "$v" = - ]; then
        if [ "$kind" = val ] && [ -n "${NA_WHY[$d|$s]:-}" ]; then printf ' n/a |'; else printf ' - |'; fi
        continue
      fi
      mark=; [ "$kind" = val ] && [ -n "${ERR[$s|$d]:-}" ] && mark='*'
      printf ' %s%s |' "$(fmtnum "$v" "$dec")" "$mark"
      if [ "$d" = superserver ]; then ssv=$v
      elif [ -z "$best" ] || awk -v a="$v" -v b="$best" -v w="$better" 'BEGIN { exit !((w == "h") ? a > b : a < b) }'; then best=$v
      fi
    done
    if [ "$HAVE_SS" = 1 ]; then
      if [ -n "$ssv" ] && [ -n "$best" ]; then
        printf ' %s |' "$(awk -v a="$ssv" -v b="$best" 'BEGIN { if (b == 0) print "-"; else printf "%.2fx\n", a / b }')"
      else printf ' - |'; fi
    fi
    echo
  done
  echo
  printf 'Load average (1 min, /proc/loadavg) before each round:'
  for i in "${!LOADS[@]}"; do printf ' round %d %s;' "$((i + 1))" "${LOADS[$i]}"; done
  printf ' after the last %s.\n' "$LOAD_END"
  for d in "${ACTIVE[@]}"; do
    for s in "${RUN_SCEN[@]}"; do
      [ -z "${PORT[$d|$s]}" ] && [ -n "${NA_WHY[$d|$s]:-}" ] && echo "n/a: $d $s: ${NA_WHY[$d|$s]}"
    done
  done
  if [ -n "${START_MS[fresh|first]:-}" ]; then
    echo
    echo "Superserver start-up, bin/superserver launched to its TCP ports accepting (tight connect loop, 1 ms) and to daytime's first answer, median of $STARTS:"
    echo "fresh --data: first port $(median ${START_MS[fresh|first]}) ms, all $(tcp_ports superserver | wc -w) ports $(median ${START_MS[fresh|all]}) ms, answer $(median ${START_MS[fresh|answer]:-}) ms;" \
         "existing --data (a restart: the sockets of the last start bound before the framework starts): first port $(median ${START_MS[existing|first]}) ms, all $(median ${START_MS[existing|all]}) ms, answer $(median ${START_MS[existing|answer]:-}) ms."
  fi
  echo
  echo "Idle RSS (KiB, the daemon's processes summed): at start $(for d in "${ACTIVE[@]}"; do printf '%s %s, ' "$d" "${RSS0[$d]}"; done | sed 's/, $//');" \
       "after the rounds $(for d in "${ACTIVE[@]}"; do printf '%s %s, ' "$d" "${RSS1[$d]}"; done | sed 's/, $//')."
} | tee "$OUT/table.md"
echo
echo "raw per-run figures: $RAW"
echo "table: $OUT/table.md; log: $LOG; daemon logs: $OUT/logs/"
