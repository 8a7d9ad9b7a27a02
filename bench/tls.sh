#!/usr/bin/env bash
# The TLS benchmark: Superserver terminating TLS itself against stunnel4 in front of the same
# services, in one run. Loopback only; stops everything it starts and removes its files.
#
#   bench/tls.sh                      # ROUNDS=3 of DUR=5 s of handshakes and MB=256 through each relay
#   ROUNDS=1 DUR=2 MB=32 bench/tls.sh # a quick check
#   SUPERSERVER_OPTS=-Dsuperserver.tls.provider=jdk bench/tls.sh   # on the JDK's SSLEngine
#
# Rows:
#   handshakes/s  `openssl s_time -new`: a new connection and a full handshake per request
#                 (TLS 1.3, no session reuse) against the TLS echo, from one client (latency:
#                 client and server take turns), then from CLIENTS=2 at once (throughput)
#   server CPU    user + system time of the server process itself (/proc/PID/stat) per handshake
#                 during the CLIENTS run; stunnel4's excludes the plaintext echo it connects to
#   MB/s via cat  MB bytes sent through a TLS connection to a /bin/cat started per connection and
#                 read back at the same time (bench/tlsrelay.py, one non-blocking socket; Superserver:
#                 its socket pair relay; stunnel4: its own exec = /bin/cat)
#
# Superserver serves, from one generated xinetd.conf: echo over TLS on BASE, /bin/cat over TLS on
# BASE+1, and the plaintext echo on BASE+10 that stunnel4 (on BASE+2) connects to; stunnel4's exec
# /bin/cat service listens on BASE+3. Needs: the built distribution (mvn -B -DskipTests install),
# openssl, python3, and stunnel4 (installed with apt-get when missing and run as root; else it says how).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SS_HOME=${SUPERSERVER_HOME:-$top/distribution/target/superserver}
DUR=${DUR:-5}
MB=${MB:-256}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-2}
BASE=${BASE:-20400}
work=$(mktemp -d /tmp/superserver-tls-bench.XXXXXX)
chmod 700 "$work"

server_pid=
stunnel_pid=
cleanup() {
  for p in "$server_pid" "$stunnel_pid"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" 2>/dev/null; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stunnel=$(command -v stunnel4 || command -v stunnel || true)
if [ -z "$stunnel" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "installing stunnel4 with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q stunnel4 > "$work/apt.out" 2>&1 || { cat "$work/apt.out" >&2; exit 1; }
    stunnel=$(command -v stunnel4 || command -v stunnel)
  else
    echo "stunnel4 is missing: install it (sudo apt-get install stunnel4) and run again" >&2
    exit 1
  fi
fi
[ -x "$SS_HOME/bin/superserver" ] || { echo "no distribution at $SS_HOME: run mvn -B -DskipTests install" >&2; exit 1; }

wait_port() {
  local i
  for i in $(seq 1 300); do
    ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN && return 0
    sleep 0.1
  done
  return 1
}
for p in "$BASE" "$((BASE + 1))" "$((BASE + 2))" "$((BASE + 3))" "$((BASE + 10))"; do
  if ss -ltn "sport = :$p" 2>/dev/null | grep -q LISTEN; then
    echo "port $p is in use already: stop what listens there, or set BASE" >&2; exit 1
  fi
done

# one self-signed EC P-256 certificate for both servers
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
    -out "$work/cert.pem" -subj /CN=localhost -days 1 > /dev/null 2>&1 || { echo "openssl req failed" >&2; exit 1; }

user=$(id -un)
cat > "$work/xinetd.conf" <<CONF
defaults
{
	instances      = UNLIMITED
	per_source     = UNLIMITED
	cps            = 1000000 1
	log_on_success =
	log_on_failure =
	tls_certificate = $work/cert.pem
	tls_key         = $work/key.pem
}
service echo
{
	id = echo-tls
	type = INTERNAL UNLISTED
	socket_type = stream
	wait = no
	bind = 127.0.0.1
	port = $BASE
	tls = yes
	flags = NOLIBWRAP
}
service tls-cat
{
	type = UNLISTED
	socket_type = stream
	protocol = tcp
	wait = no
	user = $user
	bind = 127.0.0.1
	port = $((BASE + 1))
	server = /bin/cat
	tls = yes
	flags = NOLIBWRAP
}
service echo
{
	id = echo-plain
	type = INTERNAL UNLISTED
	socket_type = stream
	wait = no
	bind = 127.0.0.1
	port = $((BASE + 10))
	flags = NOLIBWRAP
}
CONF
cat > "$work/stunnel.conf" <<CONF
foreground = yes
pid =
debug = 3
output = $work/stunnel.log
cert = $work/cert.pem
key = $work/key.pem
sslVersionMin = TLSv1.2
[echo]
accept = 127.0.0.1:$((BASE + 2))
connect = 127.0.0.1:$((BASE + 10))
[cat]
accept = 127.0.0.1:$((BASE + 3))
exec = /bin/cat
execArgs = cat
CONF

# each server in a session of its own, as a service manager starts it (README.md, "Paired")
setsid "$SS_HOME/bin/superserver" --xinetd "$work/xinetd.conf" --data "$work/data" --pid-file "$work/superserver.pid" \
    > "$work/superserver.out" 2>&1 &
server_pid=$!
setsid "$stunnel" "$work/stunnel.conf" > "$work/stunnel.out" 2>&1 &
stunnel_pid=$!
for p in "$BASE" "$((BASE + 1))" "$((BASE + 10))"; do
  wait_port "$p" || { echo "superserver did not listen on $p:" >&2; tail -20 "$work/superserver.out" >&2; exit 1; }
done
for p in "$((BASE + 2))" "$((BASE + 3))"; do
  wait_port "$p" || { echo "stunnel did not listen on $p:" >&2; cat "$work/stunnel.out" "$work/stunnel.log" >&2; exit 1; }
done

handshakes() { # PORT CLIENTS: "RATE COUNT": full handshakes per second of CLIENTS concurrent
  # `openssl s_time -new` over DUR seconds, timed here (s_time rounds its own wall clock to whole
  # seconds), and how many there were
  local start end count i clients=()
  start=$(date +%s%N)
  for i in $(seq 1 "$2"); do
    openssl s_time -connect "127.0.0.1:$1" -new -time "$DUR" 2>/dev/null > "$work/s_time.$i" &
    clients+=("$!")
  done
  wait "${clients[@]}"
  end=$(date +%s%N)
  count=$(cat "$work"/s_time.* | awk '/connections in .* real seconds/ { n += $1 } END { print n + 0 }')
  rm -f "$work"/s_time.*
  awk -v n="$count" -v ns="$((end - start))" 'BEGIN { printf "%.0f %d", n / (ns / 1e9), n }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # PID: utime + stime, in clock ticks
handshake_row() { # PORT PID: "RATE-1 RATE-N CPU-US": one client, CLIENTS clients, and the
  # server's own CPU per handshake (user + system, microseconds) during the CLIENTS run
  local one many before after
  one=$(handshakes "$1" 1 | cut -d' ' -f1)
  before=$(cpu_ticks "$2")
  many=$(handshakes "$1" "$CLIENTS")
  after=$(cpu_ticks "$2")
  echo "$one ${many% *} $(awk -v t="$((after - before))" -v n="${many#* }" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (n == 0) print "-"; else printf "%.0f", t * 1e6 / hz / n }')"
}
relay() { # PORT: MB/s of MB bytes through cat and back (both directions at once)
  python3 "$here/tlsrelay.py" "$1" "$MB" | sed -n 's/^mb_per_s=\([0-9.]*\).*/\1/p;s/^mb_per_s=-.*/-/p'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

# warm-up: the JIT and both servers' first connections before anything is timed
for port in "$BASE" "$((BASE + 2))"; do DUR=2 handshakes "$port" "$CLIENTS" > /dev/null; done
for port in "$((BASE + 1))" "$((BASE + 3))"; do MB=32 relay "$port" > /dev/null; done

# ROUNDS rounds, each measuring one server and then the other, row by row, so that a load that
# comes and goes falls on both
ss_hs=; st_hs=; ss_hsn=; st_hsn=; ss_cpu=; st_cpu=; ss_mb=; st_mb=
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  read -r a b c < <(handshake_row "$BASE" "$server_pid")
  ss_hs="$ss_hs $a"; ss_hsn="$ss_hsn $b"; ss_cpu="$ss_cpu $c"
  read -r a b c < <(handshake_row "$((BASE + 2))" "$stunnel_pid")
  st_hs="$st_hs $a"; st_hsn="$st_hsn $b"; st_cpu="$st_cpu $c"
  ss_mb="$ss_mb $(relay "$((BASE + 1))")"; st_mb="$st_mb $(relay "$((BASE + 3))")"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
provider=$(grep -ao 'TLS provider=[a-z]* ([^)]*)' "$work/superserver.out" | tail -1)
echo "Superserver: ${provider:-TLS provider not logged}"
echo
echo "| TLS ($ROUNDS rounds of $DUR s and $MB MB; median, then each round) | Superserver | stunnel4 | ratio |"
echo "|---|---|---|---|"
row() { # LABEL SUPERSERVER-FIGURES STUNNEL-FIGURES
  local a b
  a=$(echo "$2" | median); b=$(echo "$3" | median)
  printf '| %s | %s (%s) | %s (%s) | %s |\n' "$1" "$a" "$(echo $2 | tr ' ' '/')" "$b" "$(echo $3 | tr ' ' '/')" "$(ratio "$a" "$b")"
}
row "handshakes/s, 1 client (echo)" "$ss_hs" "$st_hs"
row "handshakes/s, $CLIENTS clients (echo)" "$ss_hsn" "$st_hsn"
row "server CPU per handshake, us (lower is better)" "$ss_cpu" "$st_cpu"
row "MB/s through /bin/cat" "$ss_mb" "$st_mb"
