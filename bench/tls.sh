#!/usr/bin/env bash
# The TLS benchmark: Superserver terminating TLS itself against stunnel4 in front of the same
# services, in one run. Loopback only; stops everything it starts and removes its files.
#
#   bench/tls.sh                      # DUR=5 s per measurement, MB=64 through the relay
#   DUR=2 MB=16 bench/tls.sh          # a quick check
#   SUPERSERVER_OPTS=-Dsuperserver.tls.provider=jdk bench/tls.sh   # on the JDK's SSLEngine
#
# Rows:
#   handshakes/s  `openssl s_time -new`: a new connection and a full handshake per request
#                 (TLS 1.3, no session reuse), one client, against the TLS echo
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
MB=${MB:-64}
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

"$SS_HOME/bin/superserver" --xinetd "$work/xinetd.conf" --data "$work/data" --pid-file "$work/superserver.pid" \
    > "$work/superserver.out" 2>&1 &
server_pid=$!
"$stunnel" "$work/stunnel.conf" > "$work/stunnel.out" 2>&1 &
stunnel_pid=$!
for p in "$BASE" "$((BASE + 1))" "$((BASE + 10))"; do
  wait_port "$p" || { echo "superserver did not listen on $p:" >&2; tail -20 "$work/superserver.out" >&2; exit 1; }
done
for p in "$((BASE + 2))" "$((BASE + 3))"; do
  wait_port "$p" || { echo "stunnel did not listen on $p:" >&2; cat "$work/stunnel.out" "$work/stunnel.log" >&2; exit 1; }
done

handshakes() { # PORT: full handshakes per second over DUR seconds
  openssl s_time -connect "127.0.0.1:$1" -new -time "$DUR" 2>/dev/null \
    | awk '/connections in .* real seconds/ { for (i = 1; i <= NF; i++) if ($i == "in") { print $1 / $(i + 1); exit } }'
}
relay() { # PORT: MB/s of MB bytes through cat and back (both directions at once)
  python3 "$here/tlsrelay.py" "$1" "$MB" | sed -n 's/^mb_per_s=\([0-9.]*\).*/\1/p;s/^mb_per_s=-.*/-/p'
}

# warm-up: the JIT before anything is timed
DUR=1 handshakes "$BASE" > /dev/null
MB=4 relay "$((BASE + 1))" > /dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ss_hs=$(handshakes "$BASE");       st_hs=$(handshakes "$((BASE + 2))")
ss_mb=$(relay "$((BASE + 1))");    st_mb=$(relay "$((BASE + 3))")
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
provider=$(grep -ao 'TLS provider=[a-z]* ([^)]*)' "$work/superserver.out" | tail -1)
echo "Superserver: ${provider:-TLS provider not logged}"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
echo
echo "| TLS ($DUR s, $MB MB) | Superserver | stunnel4 | ratio |"
echo "|---|---|---|---|"
printf '| handshakes/s (echo) | %.0f | %.0f | %s |\n' "${ss_hs:-0}" "${st_hs:-0}" "$(ratio "${ss_hs:--}" "${st_hs:--}")"
printf '| MB/s through /bin/cat | %s | %s | %s |\n' "$ss_mb" "$st_mb" "$(ratio "$ss_mb" "$st_mb")"
