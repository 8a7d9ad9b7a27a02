# Target for the shared side-by-side instrument (../shared/bench/peers.sh): this project's
# distribution serving the same scenarios as targets/superserver.sh, but from an xinetd.conf read by
# the superserver-config-xinetd bundle, so that a run with both compares the two formats:
#
#   ../shared/bench/peers.sh targets/superserver.sh $PWD/bench/targets/superserver-xinetd.sh targets/xinetd.sh
#
# Run from the project root (or set SUPERSERVER_HOME to the unpacked distribution). Ports come from the
# services table given by --services, as for the inetd.conf target. xinetd.conf(5)'s own defaults
# would pause a service above 50 connections per second (cps = 50 10): the defaults section raises it
# as targets/xinetd.sh does for xinetd, and lifts the instance limits. Like the inetd.conf target's lines,
# the services are not checked against hosts.allow (NOLIBWRAP), except benchtcpd: the tcpd scenario
# uses xinetd's own tcpd check (libwrap, in-process, daemon name benchcat) rather than exec'ing tcpd.
NAME=${NAME:-superserver-xinetd}
BASE=${BASE:-24700}
XINETD_CPS=${XINETD_CPS-100000 1}
std_ports "$BASE"
SS_HOME=${SUPERSERVER_HOME:-$(pwd)/distribution/target/superserver}
target_setup() {
  mk_services "$RUN/services" "$BASE"
  mkdir -p "$RUN/xinetd.d"
  {
    echo "defaults"
    echo "{"
    echo "  instances  = UNLIMITED"
    echo "  per_source = UNLIMITED"
    [ -n "$XINETD_CPS" ] && echo "  cps        = $XINETD_CPS"
    echo "  bind       = 127.0.0.1"
    echo "}"
    echo "includedir $RUN/xinetd.d"
  } > "$RUN/xinetd.conf"
  for s in echo discard chargen daytime time; do
    cat > "$RUN/xinetd.d/$s" <<SVC
service $s
{
  id          = $s-stream
  type        = INTERNAL
  socket_type = stream
  protocol    = tcp
  wait        = no
  user        = root
  flags       = NOLIBWRAP
}
SVC
  done
  cat >> "$RUN/xinetd.d/echo" <<SVC
service echo
{
  id          = echo-dgram
  type        = INTERNAL
  socket_type = dgram
  protocol    = udp
  wait        = yes
  user        = root
  flags       = NOLIBWRAP
}
SVC
  cat > "$RUN/xinetd.d/benchexec" <<SVC
service benchexec
{
  socket_type = stream
  protocol    = tcp
  wait        = no
  user        = root
  server      = /bin/cat
  flags       = NOLIBWRAP
}
SVC
  cat > "$RUN/xinetd.d/benchtcpd" <<SVC
service benchtcpd
{
  socket_type = stream
  protocol    = tcp
  wait        = no
  user        = root
  server      = $RUN/benchcat
  libwrap     = benchcat
}
SVC
}
target_start() {
  spawn "$SS_HOME/bin/superserver" --services "$RUN/services" --data "$RUN/data" \
        --pid-file "$RUN/superserver.pid" --xinetd "$RUN/xinetd.conf"
}
